import Core

/// Reads a request body against its dialect's declaration: validates every field, collects every text the
/// model will read (with its role and location) and every tool declared, and refuses — with a 400 naming the
/// field — whatever is unknown, refused or of the wrong shape. Nothing undeclared reaches a provider.
struct RequestReader {
    /// Texts in document order.
    private(set) var messages: [AIMessage] = []
    private(set) var tools: [AITool] = []
    /// Extra top-level fields the operator allowed for this dialect.
    let extraFields: [String: FieldShape]

    init(extraFields: [String: FieldShape] = [:]) {
        self.extraFields = extraFields
    }

    /// Reads `body` (an object) against `root`. `.json` texts are rewritten in `body` to their decoded form.
    mutating func read(_ body: inout JSONValue, as root: ObjectShape) throws(GatewayError) {
        try object(body, root, at: .root, role: nil, body: &body, isRoot: true)
    }

    private mutating func walk(_ value: JSONValue, _ shape: FieldShape, at location: JSONLocation, role: AIMessage.Role?, body: inout JSONValue) throws(GatewayError) {
        switch shape {
        case .text(let field):
            guard case .string(let s) = value else { throw Self.wrongType(location, value, expected: "a string") }
            try text(s, field, at: location, role: role, body: &body)
        case .parameter(let parameter):
            try self.parameter(value, parameter, at: location)
        case .object(let object):
            try self.object(value, object, at: location, role: role, body: &body, isRoot: false)
        case .array(let element):
            guard case .array(let items) = value else { throw Self.wrongType(location, value, expected: "an array") }
            for (i, item) in items.enumerated() { try walk(item, element, at: location.appending(index: i), role: role, body: &body) }
        case .either(let shapes):
            guard let chosen = shapes.first(where: { $0.accepts(value) }) else {
                throw Self.wrongType(location, value, expected: shapes.map(\.expectation).joined(separator: " or "))
            }
            try walk(value, chosen, at: location, role: role, body: &body)
        case .variants(let variants):
            guard case .object = value else { throw Self.wrongType(location, value, expected: "an object") }
            let tag: String
            switch value[variants.tag] {
            case .string(let t)?: tag = t
            case nil, .null?:
                guard let d = variants.defaultTag else { throw Self.wrongType(location.appending(key: variants.tag), value[variants.tag], expected: "a string") }
                tag = d
            case let other?: throw Self.wrongType(location.appending(key: variants.tag), other, expected: "a string")
            }
            if let refusal = variants.refused.first(where: { $0.tag == tag }) {
                throw .invalidRequest(
                    message: "'\(location)' is a '\(tag)', which is not accepted: \(refusal.reason)", param: location.description)
            }
            guard let object = variants.shape(for: tag) else {
                let known = variants.variants.map(\.tag).joined(separator: ", ")
                throw .invalidRequest(
                    message: "'\(location.appending(key: variants.tag))' is '\(ErrorResponse.printable(tag))', which the gateway does not accept here (known: \(known)).",
                    param: location.appending(key: variants.tag).description)
            }
            try self.object(value, object, at: location, role: role, body: &body, isRoot: false, tag: variants.tag)
        case .freeform(let field):
            try freeform(value, field, at: location, role: role, body: &body)
        case .map(let keys, let values):
            guard case .object(let members) = value else { throw Self.wrongType(location, value, expected: "an object") }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let keys { try text(name, keys, at: location.appending(.memberName(name)), role: role, body: &body) }
                try walk(member, values, at: location.appending(key: name), role: role, body: &body)
            }
        case .refused(let reason):
            throw .invalidRequest(message: "'\(location)' is not accepted: \(reason)", param: location.description)
        }
    }

    private mutating func object(
        _ value: JSONValue, _ shape: ObjectShape, at location: JSONLocation, role: AIMessage.Role?, body: inout JSONValue,
        isRoot: Bool, tag: String? = nil
    ) throws(GatewayError) {
        guard case .object(let members) = value else { throw Self.wrongType(location, value, expected: "an object") }
        var role = role
        switch shape.role {
        case .fixed(let r)?: role = r
        case .member(let name, let table)?:
            guard case .string(let r)? = members[name], let mapped = table[r] else {
                throw Self.wrongType(location.appending(key: name), members[name], expected: "one of \(table.keys.sorted().joined(separator: ", "))")
            }
            role = mapped
        case nil: break
        }
        // Every member must be declared (or be the variants' tag, or an operator's extra field at the root):
        // counted against the declaration, and named only when one is not.
        let extras = isRoot ? extraFields : [:]
        var known = tag.map { members[$0] == nil ? 0 : 1 } ?? 0
        for member in shape.members where members[member.name] != nil { known += 1 }
        for name in extras.keys where members[name] != nil && shape[name] == nil { known += 1 }
        if known < members.count, let unknown = members.keys.filter({ $0 != tag && shape[$0] == nil && extras[$0] == nil }).min() {
            let place = location.appending(key: unknown)
            throw .invalidRequest(
                message: "Unknown field '\(place)': the gateway forwards only fields it inspects or knows, and does not know this one.",
                param: place.description)
        }
        // Declared members in declaration order (texts are collected in that order).
        for member in shape.members {
            switch members[member.name] {
            case nil, .null?:
                if member.required {
                    throw Self.wrongType(location.appending(key: member.name), members[member.name], expected: member.shape.expectation)
                }
            case let value?:
                try walk(value, member.shape, at: location.appending(key: member.name), role: role, body: &body)
            }
        }
        for (name, extra) in extras.sorted(by: { $0.key < $1.key }) {
            guard let value = members[name], value != .null else { continue }
            try walk(value, extra, at: location.appending(key: name), role: role, body: &body)
        }
        if let rule = shape.tool {
            guard let name = rule.name(value), !name.isEmpty else {
                throw .invalidRequest(message: "'\(location)' declares a tool without a name.", param: location.description)
            }
            tools.append(AITool(name: name, location: location, execution: rule.execution(value)))
        }
    }

    private mutating func text(_ s: String, _ field: TextField, at location: JSONLocation, role: AIMessage.Role?, body: inout JSONValue) throws(GatewayError) {
        var text = s
        switch field.form {
        case .prose, .name: break
        case .url: if s.hasPrefix("data:image/") { return }  // an inline picture, not text (no OCR)
        case .json:
            text = EscapedJSONText.decode(s)
            if text != s, !body.replace(at: location, with: .string(text)) { throw .internalError }
        }
        guard !text.isEmpty else { return }
        messages.append(AIMessage(role: field.role ?? role ?? .user, text: text, location: location))
    }

    private mutating func freeform(_ value: JSONValue, _ field: TextField, at location: JSONLocation, role: AIMessage.Role?, body: inout JSONValue) throws(GatewayError) {
        switch value {
        case .string(let s): try text(s, field, at: location, role: role, body: &body)
        case .array(let items): for (i, item) in items.enumerated() { try freeform(item, field, at: location.appending(index: i), role: role, body: &body) }
        case .object(let members):
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                try text(name, field, at: location.appending(.memberName(name)), role: role, body: &body)
                try freeform(member, field, at: location.appending(key: name), role: role, body: &body)
            }
        case .null, .bool, .integer, .number: break
        }
    }

    private mutating func parameter(_ value: JSONValue, _ parameter: Parameter, at location: JSONLocation) throws(GatewayError) {
        guard parameter.accepts(value) else { throw Self.wrongType(location, value, expected: parameter.expectation) }
        if case .identifier = parameter, case .string(let id) = value {
            messages.append(AIMessage(role: .system, text: id, location: location))
        }
    }

    static func wrongType(_ location: JSONLocation, _ value: JSONValue?, expected: String) -> GatewayError {
        let got = value.map { "got \($0.typeName)" } ?? "it is missing"
        return .invalidRequest(message: "'\(location)' must be \(expected); \(got).", param: location.description)
    }
}

