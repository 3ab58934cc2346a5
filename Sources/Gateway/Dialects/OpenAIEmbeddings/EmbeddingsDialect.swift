import Core

/// `POST /v1/embeddings`: text in, vectors out. Token-id input is refused: the guardrails cannot read it.
struct EmbeddingsDialect: APIDialect {
    var operation: Core.Operation { .embeddings }
    var api: String { "openai.embeddings" }

    static let tokenIDs = "token-id input cannot be inspected by the gateway's guardrails and is not forwarded; send text."

    var requestShape: ObjectShape { Self.request }
    var answerShape: ObjectShape { Self.answer }

    static let request = ObjectShape([
        "model": .parameter(.model),
        "input": .either([
            .text(.prose(.input)),
            .array(.either([.text(.prose(.input)), .refused(Self.tokenIDs)])),
        ]),
        "dimensions": .parameter(.positiveInteger),
        "encoding_format": .parameter(.oneOf(["float", "base64"])),
        "user": OpenAIFields.replacedEndUserID,
        "stream": .parameter(.off("embeddings are not streamed")),
    ], required: ["model", "input"])

    static let answer = ObjectShape([
        "object": .parameter(.oneOf(["list"])),
        "model": .parameter(.model),
        "data": .array(.object(ObjectShape([
            "object": .parameter(.oneOf(["embedding"])),
            "index": .parameter(.count),
            // A vector computed from inspected input: numbers, or those numbers base64-encoded.
            "embedding": .either([.parameter(.stringFree), .parameter(.opaque("the vector's floats, base64-encoded"))]),
        ]))),
        "usage": .object(ObjectShape(["prompt_tokens": .parameter(.count), "total_tokens": .parameter(.count)])),
    ])

    func complete(_ request: inout AIRequest) throws(GatewayError) {
        if case .array(let items)? = request.body["input"], items.isEmpty {
            throw RequestReader.wrongType(JSONLocation([.key("input")]), request.body["input"], expected: "a string or a non-empty array of strings")
        }
    }

    func usage(in json: JSONValue) -> TokenUsage? {
        guard case .object(let u)? = json["usage"] else { return nil }
        return TokenUsage(inputTokens: u["prompt_tokens"]?.intValue ?? 0, outputTokens: 0)
    }

    func streamError(code: String, message: String) -> [SSEEvent] { [] }
}
