import Core
import Providers

/// Step 2 of the pipeline: reads a body against its API's dialect into the provider-neutral `AIRequest` —
/// every field declared, every text collected, every tool named — refusing with a precise 400 whatever is
/// unknown, refused, or could not be inspected.
public struct DialectUnderstanding: Understanding {
    /// Extra top-level fields operators allow, per operation (`apis.<operation>.extra_fields`).
    let extraFields: [Core.Operation: [String: FieldShape]]
    let anthropicHeaders: AnthropicHeaders

    public init(extraFields configuration: APIsConfiguration = APIsConfiguration()) {
        extraFields = configuration.extraFieldShapes
        anthropicHeaders = configuration.anthropicHeaders
    }

    public func understand(operation: Core.Operation, body: [UInt8], headers: APIHeaders, purpose: String?, classification: String?) throws(GatewayError) -> AIRequest {
        guard let dialect = Dialects.dialect(for: operation), operation != .modelsList else {
            throw .unknownRoute(method: "POST", path: operation.rawValue)
        }
        var checked: (version: String, betas: [String])?
        if dialect.wireFormat == .anthropicMessages {
            checked = try anthropicHeaders.check(version: headers.anthropicVersion, beta: headers.anthropicBeta)
        }
        var json = try Self.decodeObject(body)
        var reader = RequestReader(extraFields: extraFields[operation] ?? [:])
        try reader.read(&json, as: dialect.requestShape)
        guard case .string(let model)? = json["model"] else { throw .internalError }  // required by every dialect
        var request = AIRequest(
            operation: operation, model: model, messages: reader.messages, tools: reader.tools, purpose: purpose,
            dataClassification: classification, body: json)
        request.providerVersion = checked?.version
        request.providerBetas = checked?.betas ?? []
        try dialect.complete(&request)
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
}
