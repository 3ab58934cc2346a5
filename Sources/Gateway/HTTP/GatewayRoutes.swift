import Core
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Limits
import Logging
import NIOCore

/// The HTTP surface. Handlers only translate between HTTP and the pipeline; they make no decisions.
public struct GatewayRoutes: Sendable {
    public let pipeline: Pipeline
    public let readiness: [ReadinessProbe]
    public let logger: Logger
    /// Read client certificates off the TLS handler (only on mTLS listeners: it costs an event-loop hop).
    public let readsClientCertificates: Bool
    /// The header in which a workload carries the user's token (`identity.delegation.user_token_header`).
    let userTokenHeader: HTTPField.Name
    /// Facts `/readyz` reports beside its checks (replica name, policy set hash), so drift between replicas shows.
    let readinessFacts: @Sendable () -> [(String, String)]
    /// `observability.metrics_bearer`, resolved: `/metrics` answers only a request bearing it.
    let metricsBearer: String?

    public init(
        pipeline: Pipeline, readiness: [ReadinessProbe], logger: Logger, readsClientCertificates: Bool = false,
        userTokenHeader: String = "x-portcullis-user-token", readinessFacts: @escaping @Sendable () -> [(String, String)] = { [] },
        metricsBearer: String? = nil
    ) {
        self.readinessFacts = readinessFacts
        self.metricsBearer = metricsBearer
        self.pipeline = pipeline
        self.userTokenHeader = HTTPField.Name(userTokenHeader) ?? HTTPField.Name("x-portcullis-user-token")!
        self.readsClientCertificates = readsClientCertificates
        self.readiness = readiness
        self.logger = logger
    }

    public func register(on router: Router<GatewayRequestContext>) {
        router.add(middleware: OpenAIErrorMiddleware(pipeline: pipeline))
        let inferenceRoutes: [(String, Core.Operation)] = [
            ("/v1/chat/completions", .chatCompletions), ("/v1/responses", .responses), ("/v1/embeddings", .embeddings),
            ("/v1/messages", .messages), ("/v1/messages/count_tokens", .messagesCountTokens),
        ]
        for (path, operation) in inferenceRoutes {
            router.post(RouterPath(path)) { request, context in await self.inference(operation, route: path, request, context) }
        }
        router.get("/v1/models") { request, context in
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: "/v1/models")
            let credentials = await credentials(request, context)
            return HTTPAnswer.response(await pipeline.listModels(credentials: credentials, context: ctx, traceContext: traceContext(request)), requestID: id)
        }
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/readyz") { _, _ in await self.ready() }
        router.get("/metrics") { [metricsBearer] request, _ in
            if let expected = metricsBearer {
                // The scraper's token, read as any bearer token is (two Authorization headers: refused), compared in
                // constant time; nothing about it in the answer.
                let authorization = request.headers[values: .authorization]
                let presented = authorization.count == 1 ? BearerAuthorization.token(authorization[0]) : nil
                guard let presented, ConstantTime.equal(String(presented), expected) else {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"metrics\"", .contentType: "text/plain"],
                                    body: .init(byteBuffer: ByteBuffer(string: "metrics need the scraper's bearer token\n")))
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: pipeline.metrics.exposition())))
        }
    }

    /// `route` is the template the request matched, never the caller's path: the router also matches spellings of
    /// it (`/v1//chat/completions`), and a label or record per spelling would grow without bound.
    func inference(_ operation: Core.Operation, route: String, _ request: Request, _ context: GatewayRequestContext) async -> Response {
        let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
        let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: route)
        // The body is read by the pipeline, after it has authenticated the caller (401 before a byte of it).
        let body = RequestBody(declaredLength: request.headers[.contentLength].flatMap(Int.init)) { limit in
            var request = request
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        }
        let call = IncomingCall(
            operation: operation, body: body, credentials: await credentials(request, context), context: ctx,
            purpose: request.headers[.init("x-portcullis-purpose")!], classification: request.headers[.init("x-portcullis-data-classification")!],
            cacheControl: request.headers[.cacheControl],
            apiHeaders: APIHeaders(anthropicVersion: request.headers[.init("anthropic-version")!], anthropicBeta: request.headers[.init("anthropic-beta")!]),
            traceContext: traceContext(request))
        var answer = await pipeline.handle(call)
        if Dialects.dialect(for: operation)?.wireFormat == .anthropicMessages {
            // Anthropic's SDKs read their own rate-limit headers and the request id from `request-id`.
            if answer.headers.contains(where: { $0.0.hasPrefix("x-ratelimit-") }) {
                let now = Int64((Date().timeIntervalSince1970 * 1e9).rounded())
                answer.headers = RateLimitHeaders.anthropicForm(answer.headers, nowNanos: now)
            }
            answer.headers.append(("request-id", id))
        }
        logger.info("request", metadata: ["request_id": .string(id), "route": .string(route), "status": .stringConvertible(answer.status)])
        return HTTPAnswer.response(answer, requestID: id)
    }

    /// What the caller presented. Only these are read; every other client header (identity headers
    /// such as `x-user-*` or `x-forwarded-user` included) is ignored and never forwarded. Headers that may occur
    /// once are read with every value, so that two of them are refused rather than one picked.
    func credentials(_ request: Request, _ context: GatewayRequestContext) async -> Credentials {
        let authorization = request.headers[values: .authorization]
        let apiKey = request.headers[values: Self.apiKeyField]
        return Credentials(
            // Two Authorization headers: joined, so the scheme parser refuses the value.
            authorization: authorization.count > 1 ? authorization.joined(separator: ",") : authorization.first,
            clientCertificateChain: readsClientCertificates ? await ClientCertificate.chain(of: context.channel) : [],
            apiKeyHeader: apiKey.count > 1 ? apiKey.joined(separator: ",") : apiKey.first,
            dpopProofs: request.headers[values: Self.dpopField], userTokens: request.headers[values: userTokenHeader],
            method: request.method.rawValue, path: request.uri.path)
    }

    /// The caller's W3C trace context, read only when tracing is on (else no header is looked at).
    func traceContext(_ request: Request) -> CallerTraceContext? {
        guard pipeline.tracing.isOn else { return nil }
        return CallerTraceContext(traceParent: request.headers[values: Self.traceParentField], traceState: request.headers[values: Self.traceStateField])
    }

    static let traceParentField = HTTPField.Name("traceparent")!
    static let traceStateField = HTTPField.Name("tracestate")!
    static let apiKeyField = HTTPField.Name("x-api-key")!
    static let dpopField = HTTPField.Name("dpop")!

    func ready() async -> Response {
        var results: [(String, Bool)] = []
        for probe in readiness { results.append((probe.name, await probe.check())) }
        let ok = results.allSatisfy(\.1)
        let checks = results.map { "\"\(JSONText.escape($0.0))\":\"\($0.1 ? "ok" : "failing")\"" }.joined(separator: ",")
        // Each upstream's circuit, for operators: informative, since a model with an open circuit may still be
        // served by its other targets (and a provider outage shows in its own check above).
        let circuits = pipeline.models.breakers.states.map { "\"\(JSONText.escape($0.0.description))\":\"\($0.1.rawValue)\"" }.joined(separator: ",")
        let facts = readinessFacts().map { ",\"\(JSONText.escape($0.0))\":\"\(JSONText.escape($0.1))\"" }.joined()
        let body = "{\"status\":\"\(ok ? "ready" : "not_ready")\"\(facts),\"checks\":{\(checks)},\"circuits\":{\(circuits)}}"
        return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A named readiness check for `/readyz` (upstream reachable, audit store writable, keys loaded...).
public struct ReadinessProbe: Sendable {
    public let name: String
    public let check: @Sendable () async -> Bool

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }
}

/// Unmatched routes and any error escaping a handler become OpenAI-style bodies, never HTML or traces;
/// an unmatched route is audited like any refused request.
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let pipeline: Pipeline

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            // The path is the caller's: the record keeps at most 256 characters of it.
            let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: String(request.uri.path.prefix(256)))
            let refusal = GatewayError.unknownRoute(method: request.method.rawValue, path: request.uri.path)
            return HTTPAnswer.response(await pipeline.refuseUnrouted(refusal, context: ctx), requestID: id)
        } catch {
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            return HTTPAnswer.error(.internalError, requestID: id)
        }
    }
}
