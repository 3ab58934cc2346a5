import Core

/// Bedrock errors (an HTTP status, the `x-amzn-errortype` header and `{"message": ...}`; in a stream, an
/// `exception` event named by its type) as OpenAI error bodies. Only the message is carried; the type
/// follows the status, the code is the exception's name in snake case (`throttling_exception`).
extension ChatToConverse {
    /// A Bedrock error body as an OpenAI error body. `errorType` is the `x-amzn-errortype` header
    /// (`ThrottlingException:http://internal.amazon.com/coral/...`): only the part before `:` is read.
    public static func errorBody(_ body: [UInt8], status: Int, errorType: String?) -> [UInt8] {
        let parsed = try? JSONParser.parse(body)
        let message = parsed?["message"]?.stringValue ?? parsed?["Message"]?.stringValue
            ?? "the upstream provider returned status \(status)"
        let name = errorType.map { String($0.prefix { $0 != ":" }) }
        return ChatAnswerParts.error(message: message, status: status, code: name.flatMap(code)).serialized()
    }

    /// A stream's exception event (`throttlingException`, ...) as the chat error chunk.
    static func streamError(exception name: String, _ event: JSONValue?) -> JSONValue {
        let message = event?["message"]?.stringValue ?? "the upstream stream failed"
        return ChatAnswerParts.error(message: message, status: status(ofException: name), code: code(name))
    }

    /// The HTTP status Bedrock documents for an exception (any letter case of the first letter).
    static func status(ofException name: String) -> Int {
        switch name.prefix(1).lowercased() + name.dropFirst() {
        case "validationException": 400
        case "accessDeniedException": 403
        case "resourceNotFoundException": 404
        case "modelTimeoutException": 408
        case "modelStreamErrorException", "modelErrorException": 424
        case "throttlingException", "modelNotReadyException", "serviceQuotaExceededException": 429
        case "serviceUnavailableException": 503
        default: 500
        }
    }

    /// `ThrottlingException` -> `throttling_exception`; nil for a name that is not a plain identifier.
    static func code(_ name: String) -> String? {
        guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) }) else {
            return nil
        }
        var out = ""
        for (i, character) in name.enumerated() {
            if character.isUppercase, i > 0 { out += "_" }
            out += character.lowercased()
        }
        return out
    }
}
