import Support
import HTTPTypes
import Hummingbird
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fake LLM behind the routes: configuration, the request log, id counters and the steps every API
/// route shares (read body, record, authorise, decode, inject faults).
final class MockLLM: Sendable {
    let configuration: MockUpstreamConfiguration
    let log: RequestLog
    /// The prompt prefixes Anthropic requests have "cached" (usage `cache_*_input_tokens`).
    let promptCache = AnthropicPromptCache()
    /// The AWS keys the Bedrock routes accept and the credentials the mock STS issued.
    let bedrockAccess: BedrockAccess
    /// The access tokens `POST /token` issued (Vertex AI routes accept only these).
    let googleTokens = GoogleAccessTokens()
    private let counter = Atomic<Int>(0)
    /// `GET /v1/models`, encoded once.
    let modelsBody: ByteBuffer

    init(configuration: MockUpstreamConfiguration) {
        self.configuration = configuration
        self.log = RequestLog(limit: configuration.recordLimit)
        self.modelsBody = ModelsEndpoint.encodeList(configuration.models)
        self.bedrockAccess = BedrockAccess(configuration.aws)
    }

    /// A process-unique sequence number for ids (`chatcmpl-mock-7`, `call_mock_7`...).
    func nextSerial() -> Int {
        counter.add(1, ordering: .relaxed).newValue
    }

    /// One API request on its way through the shared steps.
    struct Exchange: Sendable {
        let request: Request
        let body: ByteBuffer
        let recordID: Int
        let requestID: String
        let style: WireStyle
    }

    /// Thrown by a step that answers the request early (bad body, injected error).
    struct EarlyResponse: Error {
        let response: Response
    }

    /// Reads and records the body, checks the key, then runs `work`; an `EarlyResponse` becomes the answer.
    func serve(
        _ request: Request, style: WireStyle, azure: Bool = false,
        _ work: (Exchange) async throws -> Response
    ) async throws -> Response {
        let requestID = request.headers[.requestID] ?? "req_mock_\(nextSerial())"
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            return ErrorBody.response(
                status: 413, message: "request body exceeds \(configuration.maxBodyBytes) bytes", style: style,
                requestID: requestID)
        }
        // Bedrock routes authenticate by SigV4 (checked in the route, over the body) instead of a key,
        // and are recorded without the signature and security token.
        let recordID = log.record(request, body: body, redactingAWS: style == .bedrock)
        guard style == .bedrock || authorised(request, azure: azure) else {
            log.finish(recordID, .unauthorized)
            let expected = azure ? "an api-key header" : "a Bearer token, api-key or x-api-key header"
            return ErrorBody.response(
                status: 401, message: "missing or incorrect API key: expected \(expected)", style: style,
                requestID: requestID)
        }
        if azure, request.uri.queryParameters["api-version"] == nil {
            log.finish(recordID, .badRequest)
            return ErrorBody.response(
                status: 400, message: "the api-version query parameter is required", style: style,
                requestID: requestID)
        }
        let exchange = Exchange(request: request, body: body, recordID: recordID, requestID: requestID, style: style)
        do {
            return try await work(exchange)
        } catch let early as EarlyResponse {
            return early.response
        }
    }

    /// True when no key is configured or the request carries it (Azure paths: only `api-key`).
    func authorised(_ request: Request, azure: Bool) -> Bool {
        guard let key = configuration.apiKey else { return true }
        if let given = request.headers[.apiKey], constantTimeEqual(given, key) { return true }
        if azure { return false }
        if let given = request.headers[.xAPIKey], constantTimeEqual(given, key) { return true }
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer "),
            constantTimeEqual(String(auth.dropFirst(7)), key)
        {
            return true
        }
        return false
    }

    /// Decodes the body or answers 400 naming what is wrong.
    func decode<T: Decodable>(_ type: T.Type, _ exchange: Exchange) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(exchange.body.readableBytesView))
        } catch {
            log.finish(exchange.recordID, .badRequest)
            throw EarlyResponse(
                response: ErrorBody.response(
                    status: 400, message: "invalid request body: \(Self.describe(error))", style: exchange.style,
                    requestID: exchange.requestID))
        }
    }

    /// Waits the configured latency, then answers an injected error if the behaviour asks for one.
    func prelude(_ behaviour: MockBehaviour, _ exchange: Exchange) async throws {
        try await pause(milliseconds: behaviour.latencyMs)
        if let status = behaviour.injectedErrorStatus {
            log.finish(exchange.recordID, .errorInjected)
            try await pause(milliseconds: behaviour.firstByteDelayMs)
            throw EarlyResponse(
                response: ErrorBody.response(
                    status: status, message: "mock upstream injected error \(status)", style: exchange.style,
                    requestID: exchange.requestID, retryAfter: behaviour.retryAfter))
        }
    }

    /// Response headers every reply carries.
    func headers(_ exchange: Exchange, contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = contentType
        headers[.requestID] = exchange.requestID
        return headers
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ p: [any CodingKey]) -> String {
            p.isEmpty ? "body" : p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing field '\(key.stringValue)' at \(path(ctx.codingPath))"
        case .typeMismatch(let type, let ctx): return "expected \(type) at \(path(ctx.codingPath))"
        case .valueNotFound(let type, let ctx): return "expected \(type) at \(path(ctx.codingPath)), got null"
        case .dataCorrupted(let ctx): return ctx.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(ctx.codingPath))"
        @unknown default: return "not valid JSON"
        }
    }
}

/// Compares two secrets without an early exit on the first differing byte.
func constantTimeEqual(_ a: String, _ b: String) -> Bool { ConstantTime.equal(a, b) }
