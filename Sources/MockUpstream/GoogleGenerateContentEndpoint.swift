import HTTPTypes
import Hummingbird

/// The Gemini API and Vertex AI `generateContent` routes. The last path segment is `{model}:{method}`,
/// `method` one of `generateContent` and `streamGenerateContent` (`?alt=sse`: server-sent events; without it
/// Google streams a JSON array, which the mock does not, so it answers 400).
///
/// - Gemini API, `POST /v1beta/models/{model}:{method}` (also `/v1/`): the `x-goog-api-key` header is
///   required: missing → 403 `PERMISSION_DENIED`; not the configured key (`googleAPIKey`, else `apiKey`;
///   with neither, any key is accepted) → 400 `INVALID_ARGUMENT` with reason `API_KEY_INVALID`.
/// - Vertex AI, `POST /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`:
///   `Authorization: Bearer <token>` issued by this mock's `POST /token` with the cloud-platform scope is
///   required: missing, unknown, expired → 401 `UNAUTHENTICATED`; without that scope → 403.
///
/// The reply follows `ScriptedReply` like the other APIs, and the `x-mock-*` / model-name knobs apply
/// (`mock-error-429` → `RESOURCE_EXHAUSTED` with `retry-after`, 500 `INTERNAL`, 503 `UNAVAILABLE`...). Safety:
/// model `mock-safety-block` or prompt `#safety-block` → a candidate with `finishReason: SAFETY` and no
/// content; model `mock-prompt-block` or prompt `#prompt-block` → no candidates, `promptFeedback.blockReason`.
/// The request log keeps the credential headers as `[redacted: verified|refused]`, never their values.
extension MockLLM {
    enum GoogleAuthority: Sendable {
        case geminiAPIKey
        case vertexBearer
    }

    func googleGenerateContent(_ request: Request, call: String, authority: GoogleAuthority) async throws -> Response {
        let requestID = request.headers[.requestID] ?? "req_mock_\(nextSerial())"
        let decoded = call.removingPercentEncodingIfNeeded
        guard let colon = decoded.lastIndex(of: ":") else {
            return GoogleErrorBody.response(status: 404, message: "unknown method for \(decoded)", requestID: requestID)
        }
        let model = String(decoded[..<colon])
        let method = decoded[decoded.index(after: colon)...]
        guard method == "generateContent" || method == "streamGenerateContent" else {
            return GoogleErrorBody.response(status: 404, message: "unknown method \(method)", requestID: requestID)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            return GoogleErrorBody.response(status: 413, message: "request body exceeds \(configuration.maxBodyBytes) bytes", requestID: requestID)
        }
        let refusal = googleRefusal(request, authority: authority, requestID: requestID)
        let recordID = log.record(request, body: body, headers: Self.redactingGoogleCredentials(request.headers, verified: refusal == nil))
        if let refusal {
            log.finish(recordID, .unauthorized)
            return refusal
        }
        let stream = method == "streamGenerateContent"
        if stream, request.uri.queryParameters["alt"] != "sse" {
            log.finish(recordID, .badRequest)
            return GoogleErrorBody.response(status: 400, message: "the mock streams only with alt=sse", requestID: requestID)
        }
        let exchange = Exchange(request: request, body: body, recordID: recordID, requestID: requestID, style: .google)
        do {
            let parsed = try decode(GoogleGenerateContentRequest.self, exchange)
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            let conversation = parsed.conversation
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let answer = GoogleAnswerShape(
                responseID: "mock-resp-\(nextSerial())", model: model,
                outcome: GoogleAnswerShape.outcome(model: model, prompt: conversation.lastUserText), reply: reply,
                promptTokens: conversation.promptTokens)
            if stream { return try await streamResponse(answer.events(), behaviour: behaviour, exchange) }
            var out = ByteBuffer()
            answer.write(into: &out)
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        } catch let early as EarlyResponse {
            return early.response
        }
    }

    /// The refusal for a request without the credential its route needs, or nil when it has it.
    private func googleRefusal(_ request: Request, authority: GoogleAuthority, requestID: String) -> Response? {
        switch authority {
        case .geminiAPIKey:
            guard let given = request.headers[.xGoogAPIKey], !given.isEmpty else {
                return GoogleErrorBody.response(
                    status: 403,
                    message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                    requestID: requestID)
            }
            if let key = configuration.googleAPIKey ?? configuration.apiKey, !constantTimeEqual(given, key) {
                return GoogleErrorBody.response(
                    status: 400, message: "API key not valid. Please pass a valid API key.", requestID: requestID,
                    reason: "API_KEY_INVALID")
            }
            return nil
        case .vertexBearer:
            let verdict = googleTokens.check(
                authorization: request.headers[.authorization], required: Self.cloudPlatformScope)
            let unauthenticated =
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
            switch verdict {
            case .valid: return nil
            case .missing:
                return GoogleErrorBody.response(status: 401, message: unauthenticated, requestID: requestID, reason: "CREDENTIALS_MISSING")
            case .unknown:
                return GoogleErrorBody.response(status: 401, message: unauthenticated, requestID: requestID, reason: "ACCESS_TOKEN_TYPE_UNSUPPORTED")
            case .expired:
                return GoogleErrorBody.response(status: 401, message: unauthenticated, requestID: requestID, reason: "ACCESS_TOKEN_EXPIRED")
            case .insufficientScope:
                return GoogleErrorBody.response(
                    status: 403, message: "Request had insufficient authentication scopes.", requestID: requestID,
                    reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
            }
        }
    }

    static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    /// The request headers with `x-goog-api-key` and `authorization` values replaced by what became of them.
    static func redactingGoogleCredentials(_ headers: HTTPFields, verified: Bool) -> HTTPFields {
        var copy = headers
        for name in [HTTPField.Name.xGoogAPIKey, .authorization] where copy[name] != nil {
            copy[name] = verified ? "[redacted: verified]" : "[redacted: refused]"
        }
        return copy
    }
}

extension HTTPField.Name {
    static let xGoogAPIKey = HTTPField.Name("x-goog-api-key")!
}

extension String {
    /// Route parameters may arrive percent-encoded (`gemini%3AgenerateContent`).
    var removingPercentEncodingIfNeeded: String {
        guard contains("%") else { return self }
        var out: [UInt8] = []
        var bytes = Array(utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%"), bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
