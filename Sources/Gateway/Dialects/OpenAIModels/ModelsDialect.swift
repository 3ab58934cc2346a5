import Core

/// `GET /v1/models`: no request body; the answer is written by the gateway itself (the models this principal
/// may use), never relayed from a provider.
struct ModelsDialect: APIDialect {
    var operation: Core.Operation { .modelsList }
    var api: String { "openai.models" }
    var requestShape: ObjectShape { Self.request }
    var answerShape: ObjectShape { Self.answer }

    static let request = ObjectShape([:])

    static let answer = ObjectShape([
        "object": .parameter(.oneOf(["list"])),
        "data": .array(.object(ObjectShape([
            "id": .parameter(.model), "object": .parameter(.oneOf(["model"])), "created": .parameter(.count),
            "owned_by": .parameter(.identifier),
        ]))),
    ])

    func complete(_ request: inout AIRequest) throws(GatewayError) {}

    func usage(in json: JSONValue) -> TokenUsage? { nil }

    func streamError(code: String, message: String) -> [SSEEvent] { [] }

    /// The listing of `models`.
    func listing(_ models: [ModelDescriptor]) -> [UInt8] {
        let data: [JSONValue] = models.map {
            ["id": .string($0.name), "object": "model", "created": .integer(1_700_000_000), "owned_by": .string($0.provider)]
        }
        return JSONValue.object(["object": "list", "data": .array(data)]).serialized()
    }
}
