import Core

/// Reads a provider's answer (a complete body or one stream event) against its dialect's declaration: finds
/// every text the client will receive, with the slot it belongs to, and removes what the declaration does not
/// know (unknown members, unknown variants, refused fields, parameters of the wrong type), noting each removal.
/// A declared text field holding something other than text cannot be inspected: the answer must fail closed.
struct AnswerReader {
    struct Text {
        let slot: String
        let location: JSONLocation
        let text: String
        let isDelta: Bool
        let form: TextField.Form
        /// Part of a mirror (token logprobs): inspected for findings, never rewritten.
        let isMirror: Bool
    }

    /// Slots of mirrored text (token logprobs) start so.
    static let mirrorPrefix = "mirror:"

    /// Whether mirrors of the answer text (token logprobs) may reach the client: only when the request's
    /// guardrail profile never rewrites answers (see `Pipeline` step 6).
    let mirrorsServed: Bool
    private(set) var texts: [Text] = []
    /// Templates of the dropped fields (`choices[].message.secret_field`), each once.
    private(set) var dropped: [String] = []
    /// Set when a declared text field held a value that is not text: nothing of the answer may be released.
    private(set) var uninspectable: String?

    init(mirrorsServed: Bool) {
        self.mirrorsServed = mirrorsServed
    }

    private struct Walk {
        var scope: SlotScope
        var mirror = false
    }

    mutating func read(_ document: inout JSONValue, as shape: ObjectShape) {
        guard case .object = document else {
            uninspectable = "(the \(document.typeName) where an object belongs)"
            return
        }
        var walk = Walk(scope: SlotScope(root: document, elements: []))
        object(&document, shape, at: .root, &walk, tag: nil)
    }

    /// Reads `value`; returns false when it must be removed from its parent.
    private mutating func read(_ value: inout JSONValue, _ shape: FieldShape, at location: JSONLocation, _ walk: inout Walk) -> Bool {
        switch shape {
        case .text(let field):
            guard case .string(let s) = value else {
                if case .null = value { return true }
                if uninspectable == nil { uninspectable = location.template }
                return false
            }
            let slot = field.slot?.key(walk.scope) ?? location.description
            texts.append(Text(slot: walk.mirror ? Self.mirrorPrefix + slot : slot, location: location, text: s, isDelta: field.isDelta || walk.mirror,
                              form: field.form, isMirror: walk.mirror))
            return true
        case .parameter(let p):
            return p.accepts(value) || value == .null
        case .object(let object):
            guard case .object = value else { return value == .null }
            self.object(&value, object, at: location, &walk, tag: nil)
            return true
        case .array(let element):
            guard case .array(var items) = value else { return value == .null }
            var kept: [JSONValue] = []
            kept.reserveCapacity(items.count)
            for i in items.indices {
                walk.scope.elements.append((array: Self.arrayName(location), position: i, value: items[i]))
                if read(&items[i], element, at: location.appending(index: kept.count), &walk) { kept.append(items[i]) }
                walk.scope.elements.removeLast()
            }
            value = .array(kept)
            return true
        case .either(let shapes):
            if case .null = value { return true }
            guard let chosen = shapes.first(where: { $0.accepts(value) }) else {
                // A text field that may also be parts (chat `content`): anything else could carry text.
                if shapes.contains(where: \.carriesText), uninspectable == nil { uninspectable = location.template }
                return false
            }
            return read(&value, chosen, at: location, &walk)
        case .variants(let variants):
            guard case .object = value else { return value == .null }
            let tag = value[variants.tag]?.stringValue ?? variants.defaultTag
            guard let tag, let object = variants.shape(for: tag) else {
                note(location.appending(key: variants.tag))
                return false
            }
            self.object(&value, object, at: location, &walk, tag: variants.tag)
            return true
        case .freeform(let field):
            freeform(value, field, at: location, &walk)
            return true
        case .map(let keys, let values):
            guard case .object(var members) = value else { return value == .null }
            for name in members.keys.sorted() {
                if let keys {
                    texts.append(Text(slot: location.appending(.memberName(name)).description, location: location.appending(.memberName(name)),
                                      text: name, isDelta: false, form: keys.form, isMirror: walk.mirror))
                }
                if !read(&members[name]!, values, at: location.appending(key: name), &walk) {
                    members[name] = nil
                    note(location.appending(key: name))
                }
            }
            value = .object(members)
            return true
        case .refused:
            return false
        }
    }

    private mutating func object(_ value: inout JSONValue, _ shape: ObjectShape, at location: JSONLocation, _ walk: inout Walk, tag: String?) {
        guard case .object(var members) = value else { return }
        value = .null  // members is now the only reference: edited in place
        // Members no declaration knows are removed (named in sorted order); counted first, so an object whose
        // members are all declared costs no search.
        var known = tag.map { members[$0] == nil ? 0 : 1 } ?? 0
        for member in shape.members where members[member.name] != nil { known += 1 }
        if known < members.count {
            for name in members.keys.filter({ $0 != tag && shape[$0] == nil }).sorted() {
                members[name] = nil
                note(location.appending(key: name))
            }
        }
        for declared in shape.members {
            guard members[declared.name] != nil else { continue }
            let place = location.appending(key: declared.name)
            var keep: Bool
            if declared.isMirror {
                if mirrorsServed {
                    let outer = walk.mirror
                    walk.mirror = true
                    keep = read(&members[declared.name]!, declared.shape, at: place, &walk)
                    walk.mirror = outer
                } else {
                    keep = false
                }
            } else {
                keep = read(&members[declared.name]!, declared.shape, at: place, &walk)
            }
            if !keep {
                members[declared.name] = nil
                note(place)
            }
        }
        value = .object(members)
    }

    private mutating func freeform(_ value: JSONValue, _ field: TextField, at location: JSONLocation, _ walk: inout Walk) {
        switch value {
        case .string(let s):
            texts.append(Text(slot: location.description, location: location, text: s, isDelta: false, form: field.form, isMirror: walk.mirror))
        case .array(let items):
            for (i, item) in items.enumerated() { freeform(item, field, at: location.appending(index: i), &walk) }
        case .object(let members):
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let key = location.appending(.memberName(name))
                texts.append(Text(slot: key.description, location: key, text: name, isDelta: false, form: field.form, isMirror: walk.mirror))
                freeform(member, field, at: location.appending(key: name), &walk)
            }
        case .null, .bool, .integer, .number: break
        }
    }

    private mutating func note(_ location: JSONLocation) {
        let template = location.template
        if !dropped.contains(template) { dropped.append(template) }
    }

    private static func arrayName(_ location: JSONLocation) -> String {
        if case .key(let k)? = location.steps.last { return k }
        return ""
    }
}

extension FieldShape {
    /// Whether text can sit anywhere inside this shape.
    var carriesText: Bool {
        switch self {
        case .text, .freeform: true
        case .parameter, .refused: false
        case .object(let o): o.members.contains { $0.shape.carriesText }
        case .array(let e): e.carriesText
        case .either(let shapes): shapes.contains(where: \.carriesText)
        case .variants(let v): v.variants.contains { $0.shape.members.contains { $0.shape.carriesText } }
        case .map(let keys, let values): keys != nil || values.carriesText
        }
    }
}
