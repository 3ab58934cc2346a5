import Hummingbird

/// `GET /v1/models` and `GET /v1/models/{id}`: the configured model ids as OpenAI model objects.
enum ModelsEndpoint {
    /// Fixed `created` timestamp so the listing is byte-for-byte stable.
    static let created = 1_735_689_600

    static func encodeList(_ models: [String]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeStaticString("{\"object\":\"list\",\"data\":[")
        for (i, id) in models.enumerated() {
            if i > 0 { b.writeStaticString(",") }
            writeModel(id, into: &b)
        }
        b.writeStaticString("]}")
        return b
    }

    static func writeModel(_ id: String, into b: inout ByteBuffer) {
        b.writeStaticString("{\"id\":")
        b.writeJSONString(id)
        b.writeStaticString(",\"object\":\"model\",\"created\":")
        b.writeJSONInt(created)
        b.writeStaticString(",\"owned_by\":\"portcullis-mock\"}")
    }
}

extension MockLLM {
    func listModels(_ request: Request) async throws -> Response {
        try await serve(request, style: .openAI) { exchange in
            let behaviour = MockBehaviour(configuration: configuration, model: "", headers: request.headers)
            try await prelude(behaviour, exchange)
            return try await jsonResponse(modelsBody, behaviour: behaviour, exchange)
        }
    }

    func retrieveModel(_ request: Request, id: String) async throws -> Response {
        try await serve(request, style: .openAI) { exchange in
            let behaviour = MockBehaviour(configuration: configuration, model: "", headers: request.headers)
            try await prelude(behaviour, exchange)
            guard configuration.models.contains(id) else {
                log.finish(exchange.recordID, .badRequest)
                return ErrorBody.response(
                    status: 404, message: "The model '\(id)' does not exist", style: .openAI,
                    requestID: exchange.requestID)
            }
            var body = ByteBuffer()
            ModelsEndpoint.writeModel(id, into: &body)
            return try await jsonResponse(body, behaviour: behaviour, exchange)
        }
    }
}
