import Core
import Foundation

/// Step 2 of the pipeline: turns an OpenAI-format body into the provider-neutral `AIRequest`,
/// refusing with a precise 400 whatever the controls could not inspect.
public struct RequestUnderstanding: Understanding {
    public init() {}

    public func understand(operation: Core.Operation, body: [UInt8], purpose: String?, classification: String?) throws(GatewayError) -> AIRequest {
        let json = try Self.decodeObject(body)
        guard case .string(let model)? = json["model"], !model.isEmpty else {
            throw Self.fieldError("model", json["model"], expected: "a non-empty string")
        }
        let stream: Bool = try Self.optionalBool(json, "stream") ?? false
        var request = AIRequest(operation: operation, model: model, stream: stream, purpose: purpose, dataClassification: classification, body: json)
        switch operation {
        case .chatCompletions:
            request.messages = try ChatCompletionsEncoding.messages(json)
            request.tools = try ChatCompletionsEncoding.tools(json)
            let completionCap = try Self.optionalPositiveInt(json, "max_completion_tokens")
            let legacyCap = try Self.optionalPositiveInt(json, "max_tokens")
            request.maxTokens = completionCap ?? legacyCap
        case .responses:
            request.messages = try ResponsesEncoding.messages(json)
            request.tools = try ResponsesEncoding.tools(json)
            request.maxTokens = try Self.optionalPositiveInt(json, "max_output_tokens")
        case .embeddings:
            guard !stream else { throw .invalidRequest(message: "'stream' is not supported for embeddings.", param: "stream") }
            request.messages = try EmbeddingsEncoding.inputs(json)
        case .modelsList, .messages:
            throw .unknownRoute(method: "POST", path: operation.rawValue)
        }
        request.estimatedInputTokens = max(1, request.messages.reduce(0) { $0 + $1.text.utf8.count } / 4)
        return request
    }

    static func decodeObject(_ body: [UInt8]) throws(GatewayError) -> JSONValue {
        guard !body.isEmpty else { throw .invalidRequest(message: "Request body is empty; expected a JSON object.", param: nil) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .invalidRequest(message: "Request body is not valid JSON (at byte \(error.offset); strict RFC 8259, duplicate member names are refused).", param: nil)
        }
        guard case .object = value else {
            throw .invalidRequest(message: "Request body must be a JSON object, got \(value.typeName).", param: nil)
        }
        return value
    }

    static func fieldError(_ path: String, _ value: JSONValue?, expected: String) -> GatewayError {
        let got = value.map { "got \($0.typeName)" } ?? "it is missing"
        return .invalidRequest(message: "'\(path)' must be \(expected); \(got).", param: path)
    }

    static func optionalBool(_ json: JSONValue, _ key: String) throws(GatewayError) -> Bool? {
        switch json[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other: throw fieldError(key, other, expected: "a boolean")
        }
    }

    static func optionalPositiveInt(_ json: JSONValue, _ key: String) throws(GatewayError) -> Int? {
        switch json[key] {
        case nil, .null?: return nil
        case let v?:
            guard let i = v.intValue, i > 0 else { throw fieldError(key, v, expected: "a positive integer") }
            return i
        }
    }
}
