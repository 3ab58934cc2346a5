import Core

/// Small readers shared by both translation directions, so every refusal is worded and located the same way.
enum TranslationReading {
    /// The object at `param`, or a refusal.
    static func object(_ value: JSONValue, _ param: String) throws(UntranslatableRequest) -> [String: JSONValue] {
        guard let object = value.objectValue else { throw UntranslatableRequest(param: param, message: "expected an object") }
        return object
    }

    static func array(_ value: JSONValue, _ param: String) throws(UntranslatableRequest) -> [JSONValue] {
        guard let array = value.arrayValue else { throw UntranslatableRequest(param: param, message: "expected an array") }
        return array
    }

    static func string(_ value: JSONValue?, _ param: String) throws(UntranslatableRequest) -> String {
        guard let string = value?.stringValue else { throw UntranslatableRequest(param: param, message: "expected a string") }
        return string
    }

    static func positiveInteger(_ value: JSONValue, _ param: String) throws(UntranslatableRequest) -> Int {
        guard let n = value.intValue, n > 0 else { throw UntranslatableRequest(param: param, message: "expected a positive integer") }
        return n
    }

    /// Chat `stop` (a string or an array of strings) as a list of stop sequences.
    static func stopSequences(_ value: JSONValue, _ param: String) throws(UntranslatableRequest) -> [JSONValue] {
        switch value {
        case .string: return [value]
        case .array(let list):
            for (i, item) in list.enumerated() { _ = try string(item, "\(param)[\(i)]") }
            return list
        default: throw UntranslatableRequest(param: param, message: "expected a string or an array of strings")
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The keys of `object` in a stable order, so the first refusal of a request is always the same one.
    static func keys(_ object: [String: JSONValue]) -> [String] { object.keys.sorted() }

    /// Refuses the first member of `object` outside `known` (`type` is always known: it selected the shape).
    static func only(_ object: [String: JSONValue], _ known: Set<String>, _ param: String, target: String) throws(UntranslatableRequest) {
        for key in keys(object) where key != "type" && !known.contains(key) {
            throw UntranslatableRequest(param: "\(param).\(key)", message: "\(key) has no equivalent in \(target)")
        }
    }

    static func refuse(_ param: String, _ message: String) -> UntranslatableRequest {
        UntranslatableRequest(param: param, message: message)
    }

    /// Tool call arguments (a JSON text) as the object Anthropic needs; an empty text is an empty object.
    static func argumentsObject(_ text: String) -> JSONValue? {
        if text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) { return .object([:]) }
        guard let parsed = try? JSONParser.parse(Array(text.utf8)), case .object = parsed else { return nil }
        return parsed
    }

    /// The text of a string or an array of `{"type":"text","text":...}` parts, joined with no separator.
    static func plainText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .array(let parts)?:
            var text = ""
            for part in parts {
                guard part["type"]?.stringValue == "text", let t = part["text"]?.stringValue else { return nil }
                text += t
            }
            return text
        default: return nil
        }
    }
}
