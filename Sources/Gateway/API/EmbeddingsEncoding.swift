import Core

/// `POST /v1/embeddings` input: a string or an array of strings. Token-id arrays are refused: the
/// guardrails cannot read them, and an uninspectable request is not forwarded.
enum EmbeddingsEncoding {
    static func inputs(_ json: JSONValue) throws(GatewayError) -> [AIMessage] {
        switch json["input"] {
        case .string(let s)?:
            return [AIMessage(role: .input, text: s, location: "input")]
        case .array(let items)? where !items.isEmpty:
            return try items.enumerated().map { (i, item) throws(GatewayError) -> AIMessage in
                guard case .string(let s) = item else {
                    if item.intValue != nil || item.arrayValue != nil {
                        throw .invalidRequest(message: "Token-id input cannot be inspected by the gateway's guardrails; send text.", param: "input")
                    }
                    throw RequestUnderstanding.fieldError("input[\(i)]", item, expected: "a string")
                }
                return AIMessage(role: .input, text: s, location: "input[\(i)]")
            }
        case let other:
            throw RequestUnderstanding.fieldError("input", other, expected: "a string or a non-empty array of strings")
        }
    }
}
