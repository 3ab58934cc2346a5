import Core

/// What one field of a client API is to the gateway. Every field of every request, answer and stream event
/// of a dialect is declared with one of these, and the readers (`RequestReader`, `AnswerReader`) switch over
/// them exhaustively: a field is text (inspected, rewritable), a tool declaration, a validated non-text
/// parameter, or refused. What no declaration names is refused in a request and dropped from an answer.
indirect enum FieldShape: Sendable {
    /// A string the model reads (request) or the client receives (answer): scanned, rewritable.
    case text(TextField)
    /// A validated non-text value.
    case parameter(Parameter)
    /// An object whose members are all declared.
    case object(ObjectShape)
    /// An array of one element shape.
    case array(FieldShape)
    /// One of several shapes, chosen by the JSON type of the value (a string, or an array of parts).
    case either([FieldShape])
    /// Objects told apart by a tag member (`type`), each variant declared.
    case variants(VariantShape)
    /// Arbitrary JSON the model reads (a JSON schema): every member name and every string is text.
    case freeform(TextField)
    /// An object with caller-chosen member names: each name is text (when `keys` is set), each value `values`.
    case map(keys: TextField?, values: FieldShape)
    /// Known, and not accepted: a request carrying it is refused with this reason; an answer loses it.
    case refused(String)
}

/// A text field: the role it plays for the guardrails, its encoding, and — in answers — which continuous
/// text it belongs to.
struct TextField: Sendable {
    enum Form: Sendable {
        /// Natural-language text.
        case prose
        /// A name the model reads (tool, function, message author): scanned like prose.
        case name
        /// A URL: inspected as text, except `data:` URLs (inline images are not text; no OCR).
        case url
        /// JSON written as a string (tool-call arguments): `\u` escapes are decoded before inspection, so an
        /// address written `a\u0040b.com` is read as `a@b.com`; a request carries the decoded equivalent on.
        case json
    }

    /// The guardrail role of the text; nil: the role of the enclosing message (`ObjectShape.role`).
    var role: AIMessage.Role?
    var form: Form
    /// Answers: the continuous text this belongs to (nil: its own location, inspected whole).
    var slot: SlotRule?
    /// Answers: true when this is one piece of its slot's text (a stream delta); false when it is the whole.
    var isDelta: Bool

    init(role: AIMessage.Role? = nil, form: Form = .prose, slot: SlotRule? = nil, isDelta: Bool = false) {
        self.role = role
        self.form = form
        self.slot = slot
        self.isDelta = isDelta
    }

    static let prose = TextField()
    static let name = TextField(form: .name)
    static let url = TextField(form: .url)
    static let json = TextField(form: .json)
    static func prose(_ role: AIMessage.Role) -> TextField { TextField(role: role) }
    static func name(_ role: AIMessage.Role) -> TextField { TextField(role: role, form: .name) }
}

/// A non-text value and what it may be.
enum Parameter: Sendable {
    case boolean
    /// A boolean that must be false: the feature it turns on is not served, for the reason given.
    case off(String)
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// One of the API's own words.
    case oneOf(Set<String>)
    /// An opaque id (call, item, file, response ids): printable ASCII without spaces, at most 512 bytes.
    /// In a request it is also inspected as text (an id is still something the provider stores).
    case identifier
    /// Opaque data the provider made and reads back (encrypted reasoning): passed unread, for the reason given.
    case opaque(String)
    /// The model name: a non-empty string the gateway routes on.
    case model
    /// JSON null (a member that may be explicitly empty).
    case null
    /// A structured report of the provider (moderation and content-filter results): objects, arrays, numbers,
    /// booleans, and strings that are short API words (lowercase letters, digits, `_ . -`, at most 64) — no text.
    case report
    /// Any JSON without strings — numbers, booleans, null, and arrays/objects of those (operator-declared
    /// extra fields that are not text; a string is always text).
    case stringFree

    static let positiveInteger = Parameter.integer(1...Int.max)
    static let anyInteger = Parameter.integer(Int.min...Int.max)
    static let count = Parameter.integer(0...Int.max)
}

/// The members of an object, each declared. `role` sets the guardrail role of the texts inside it.
struct ObjectShape: Sendable {
    struct Member: Sendable {
        let name: String
        let shape: FieldShape
        let required: Bool
        /// A copy, in another form, of answer text declared elsewhere (token logprobs): served only when the
        /// request's guardrail profile never rewrites answers, and then inspected without being rewritten.
        let isMirror: Bool
    }

    enum RoleRule: Sendable {
        case fixed(AIMessage.Role)
        /// Read from a member (`role`), through the API's role names.
        case member(String, [String: AIMessage.Role])
    }

    let members: [Member]
    let index: [String: Int]
    var role: RoleRule?
    /// Set when each such object declares a tool the model may call.
    var tool: ToolRule?

    init(
        _ members: KeyValuePairs<String, FieldShape>, required: Set<String> = [], mirrors: Set<String> = [], role: RoleRule? = nil,
        tool: ToolRule? = nil
    ) {
        self.init(list: members.map { ($0.key, $0.value) }, required: required, mirrors: mirrors, role: role, tool: tool)
    }

    init(list: [(String, FieldShape)], required: Set<String>, mirrors: Set<String> = [], role: RoleRule?, tool: ToolRule?) {
        self.members = list.map {
            Member(name: $0.0, shape: $0.1, required: required.contains($0.0), isMirror: mirrors.contains($0.0))
        }
        var index: [String: Int] = [:]
        for (i, m) in self.members.enumerated() {
            precondition(index.updateValue(i, forKey: m.name) == nil, "member '\(m.name)' declared twice")
        }
        precondition(required.union(mirrors).isSubset(of: Set(index.keys)), "a required or mirror member is not declared")
        self.index = index
        self.role = role
        self.tool = tool
    }

    subscript(name: String) -> Member? { index[name].map { members[$0] } }

    /// The same members plus `more` (variants that extend a common base).
    func adding(_ more: KeyValuePairs<String, FieldShape>, required: Set<String> = []) -> ObjectShape {
        ObjectShape(
            list: members.map { ($0.name, $0.shape) } + more.map { ($0.key, $0.value) },
            required: Set(members.filter(\.required).map(\.name)).union(required),
            mirrors: Set(members.filter(\.isMirror).map(\.name)), role: role, tool: tool)
    }
}

/// Objects told apart by a tag member. `defaultTag` is the variant of an object without the tag; `refused`
/// are variants the API has and the gateway does not serve, with the reason.
struct VariantShape: Sendable {
    let tag: String
    let defaultTag: String?
    let variants: [(tag: String, shape: ObjectShape)]
    let refused: [(tag: String, reason: String)]

    init(tag: String = "type", default defaultTag: String? = nil, _ variants: [(String, ObjectShape)], refused: [(String, String)] = []) {
        self.tag = tag
        self.defaultTag = defaultTag
        self.variants = variants.map { (tag: $0.0, shape: $0.1) }
        self.refused = refused.map { (tag: $0.0, reason: $0.1) }
    }

    func shape(for tag: String) -> ObjectShape? { variants.first { $0.tag == tag }?.shape }
}

/// How a declared tool is named (for `context.tools` and the `@tools` obligation) and where it runs.
struct ToolRule: Sendable {
    /// Where a declared tool runs (it may depend on the declaration, as a shell in a provider container).
    let execution: @Sendable (JSONValue) -> AITool.Execution
    let name: @Sendable (JSONValue) -> String?

    static func client(_ name: @escaping @Sendable (JSONValue) -> String?) -> ToolRule { ToolRule(execution: { _ in .client }, name: name) }
    static func provider(_ name: @escaping @Sendable (JSONValue) -> String?) -> ToolRule { ToolRule(execution: { _ in .provider }, name: name) }
}

/// Answers: the key of the continuous text a text field belongs to, from where it sits (`SlotScope`); nil
/// when it belongs to none (it is then inspected whole, where it sits).
struct SlotRule: Sendable {
    let key: @Sendable (SlotScope) -> String?
    init(_ key: @escaping @Sendable (SlotScope) -> String?) { self.key = key }
}

/// What a slot rule may read: the document (event) it is in, and the enclosing array elements.
struct SlotScope {
    var root: JSONValue
    var elements: [(array: String, position: Int, value: JSONValue)]

    /// The integer member `name` of the document itself (`output_index` of a Responses event).
    func rootInteger(_ name: String) -> Int? { root[name]?.intValue }

    /// For the nearest enclosing element of `array`: its integer `member` (a chat choice's `index`), else its
    /// position; 0 when no such array encloses the text.
    func index(in array: String, member: String? = nil) -> Int {
        guard let e = elements.last(where: { $0.array == array }) else { return 0 }
        return member.flatMap { e.value[$0]?.intValue } ?? e.position
    }

    /// The position in the nearest enclosing array named `array`, if one encloses the text.
    func position(in array: String) -> Int? { elements.last { $0.array == array }?.position }
}
