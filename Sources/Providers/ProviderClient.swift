import AsyncHTTPClient
import Core
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Calls one configured provider with the gateway's own credential. The caller's credentials and
/// identity headers never reach this type: it builds every upstream header itself.
public final class ProviderClient: Sendable {
    public let name: String
    public let configuration: ProviderConfiguration
    private let credential: String?
    /// Signs or authorises each request at send time (Bedrock's SigV4, Vertex's access token); nil: none.
    private let authorizer: (any RequestAuthorizer)?
    private let httpClient: HTTPClient
    /// Upper bound on a non-streamed upstream body held in memory.
    private let maxResponseBytes: Int

    /// Resolves the credential reference once; a missing secret stops start-up here, not at the first call.
    public init(
        name: String, configuration: ProviderConfiguration, httpClient: HTTPClient,
        environment: [String: String]? = nil, maxResponseBytes: Int = 32 << 20, authorizer: (any RequestAuthorizer)? = nil
    ) throws {
        self.authorizer = authorizer
        self.name = name
        self.configuration = configuration
        self.httpClient = httpClient
        self.maxResponseBytes = maxResponseBytes
        if let ref = configuration.apiKey {
            credential = try environment.map { try ref.resolve(environment: $0) } ?? ref.resolve()
        } else {
            credential = nil
        }
    }

    /// Sends one call, once (retries and failover are the caller's: `ModelRoute`). Returns once the upstream's
    /// response head has arrived and, for a stream, its first chunk: a stream that sends nothing within the
    /// first-byte timeout is a timed-out attempt that can still fail over. The rest of a streamed body is
    /// relayed by iterating `UpstreamResponse.body`. Extra headers are gateway-chosen (request id).
    /// - Parameters:
    ///   - timeouts: this attempt's first-byte timeout (connect and idle are the `client`'s); nil: the provider's.
    ///   - deadline: the request's deadline across attempts; the attempt ends there at the latest.
    ///   - client: the HTTP client whose connect and idle timeouts this call uses (nil: the provider's).
    ///   - bearer: a token obtained for this call (`token_exchange`: the calling user's token for this upstream),
    ///     sent as `Authorization: Bearer` in place of the configured credential.
    public func send(
        operation: Operation, upstreamModel: String, body: ByteBuffer, stream: Bool,
        extraHeaders: [(String, String)] = [], version: String? = nil, betas: [String] = [],
        timeouts: ResolvedTimeouts? = nil, deadline: ContinuousClock.Instant? = nil, via client: HTTPClient? = nil,
        bearer: String? = nil, logger: Logger
    ) async throws(UpstreamError) -> UpstreamResponse {
        let endpoint = UpstreamEndpoint(
            configuration: configuration, operation: operation, upstreamModel: upstreamModel, credential: bearer == nil ? credential : nil,
            version: version, betas: betas, stream: stream)
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = operation == .modelsList ? .GET : .POST
        var headers = endpoint.headers + extraHeaders
        if let bearer { headers.append(("authorization", "Bearer " + bearer)) }
        if let authorizer {
            // A credential that cannot be had fails the call before anything is sent (so it may fail over).
            do {
                try await authorizer.authorize(method: request.method.rawValue, url: endpoint.url, headers: &headers, body: body.readableBytesView)
            } catch {
                switch error {
                case .misconfigured: throw error
                case .unreachable(_, let reason), .notConnected(_, let reason), .invalidAnswer(_, let reason):
                    throw .misconfigured(provider: name, reason: "credentials: " + reason)
                case .timeout: throw .misconfigured(provider: name, reason: "credentials: timeout")
                case .streamInterrupted, .circuitOpen: throw .misconfigured(provider: name, reason: "credentials unavailable")
                }
            }
        }
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if request.method == .POST { request.body = .bytes(body) }
        var firstByte = timeouts?.firstByte ?? .seconds(configuration.timeoutSeconds)
        if let deadline { firstByte = min(firstByte, max(.zero, deadline - .now)) }
        do {
            return try await execute(request, stream: stream, firstByte: firstByte, client: client ?? httpClient, logger: logger)
        } catch let error as UpstreamError {
            throw error
        } catch is CancellationError {
            throw .timeout(provider: name)
        } catch {
            throw .unreachable(provider: name, reason: "unexpected client error")
        }
    }

    private func execute(
        _ request: HTTPClientRequest, stream: Bool, firstByte: Duration, client: HTTPClient, logger: Logger
    ) async throws -> UpstreamResponse {
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(max(1, firstByte.wholeMilliseconds)), logger: logger)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw UpstreamError.timeout(provider: name)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        } catch {
            if Self.isConnectFailure(error) { throw UpstreamError.notConnected(provider: name, reason: Self.describe(error)) }
            throw UpstreamError.unreachable(provider: name, reason: Self.describe(error))
        }
        // Redirects are not followed (the credential would go along); the call is not retried either.
        if (300..<400).contains(response.status.code) {
            throw UpstreamError.invalidAnswer(provider: name, reason: "redirect \(response.status.code), not followed")
        }
        // Asked for `identity`: an encoded answer cannot be inspected, so it is not relayed (fail closed).
        if let encoding = response.headers.first(name: "content-encoding"), encoding.lowercased() != "identity" {
            throw UpstreamError.invalidAnswer(provider: name, reason: "content-encoded (\(Self.token(encoding))); identity was asked for")
        }
        let headers = response.headers.compactMap { h -> (String, String)? in
            Self.relayedHeaders.contains(h.name.lowercased()) ? (h.name.lowercased(), h.value) : nil
        }
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if stream && configuration.streamContentTypes.contains(where: { contentType.hasPrefix($0) }) && response.status == .ok {
            let first = try await firstChunk(of: response.body, within: firstByte - (.now - started))
            return UpstreamResponse(status: Int(response.status.code), headers: headers, body: .streaming(first))
        }
        do {
            let bytes = try await response.body.collect(upTo: maxResponseBytes)
            return UpstreamResponse(status: Int(response.status.code), headers: headers, body: .complete(bytes))
        } catch let error as HTTPClientError where error == .readTimeout {
            throw UpstreamError.timeout(provider: name)
        } catch {
            throw UpstreamError.invalidAnswer(provider: name, reason: "response body: \(Self.describe(error))")
        }
    }

    /// Waits for a stream's first chunk, at most `limit`; on time out the request is cancelled (dropped).
    private func firstChunk(of body: HTTPClientResponse.Body, within limit: Duration) async throws -> UpstreamStream {
        enum Arrival: Sendable {
            case chunk(ByteBuffer?)
            case late
        }
        let cursor = BodyCursor(body.makeAsyncIterator())
        let arrival: Arrival
        do {
            arrival = try await withThrowingTaskGroup(of: Arrival.self) { group in
                group.addTask { .chunk(try await cursor.next()) }
                group.addTask {
                    try await Task.sleep(for: max(limit, .milliseconds(1)))
                    return .late
                }
                let first = try await group.next() ?? .late
                group.cancelAll()
                return first
            }
        } catch let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded {
            throw UpstreamError.timeout(provider: name)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw UpstreamError.unreachable(provider: name, reason: "stream: \(Self.describe(error))")
        }
        switch arrival {
        case .late: throw UpstreamError.timeout(provider: name)
        case .chunk(let chunk): return UpstreamStream(first: chunk, rest: chunk == nil ? nil : cursor)
        }
    }

    /// Readiness: the provider answers HTTP at all (any status; a 401 still proves it is reachable).
    public func probe(timeout: Duration = .seconds(2)) async -> Bool {
        let endpoint = UpstreamEndpoint(configuration: configuration, operation: .modelsList, upstreamModel: "", credential: credential)
        var request = HTTPClientRequest(url: endpoint.url)
        for (k, v) in endpoint.headers { request.headers.add(name: k, value: v) }
        let millis = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(millis))
            _ = try? await response.body.collect(upTo: 1 << 20)
            return true
        } catch {
            return false
        }
    }

    /// Upstream response headers the gateway passes on to the caller.
    static let relayedHeaders: Set<String> = [
        "content-type", "openai-processing-ms", "openai-version", "x-request-id", "retry-after", "retry-after-ms",
        // Bedrock's error class (`ThrottlingException:…`): its error body names no type.
        "x-amzn-errortype",
    ]

    /// A header token for an error message: letters, digits and `-` only, at most 20.
    static func token(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }.prefix(20))
    }

    /// Connection establishment failed (refused, DNS, connect timeout): the request was never sent.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let e = error as? HTTPClientError { return e == .connectTimeout }
        if error is NIOConnectionError || error is SocketAddressError { return true }
        // A connect that failed with one of these (NIO reports them as the socket's error) sent nothing.
        if let e = error as? IOError { return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(e.errnoCode) }
        if let e = error as? ChannelError, case .connectTimeout = e { return true }
        return false
    }

    /// A short reason without URLs or credentials.
    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "connection closed by upstream"
            case .readTimeout: return "read timeout"
            default: return "HTTP client error"
            }
        }
        let text = String(describing: type(of: error))
        return text.contains("Connection") || text.contains("NIOConnectionError") ? "connection failed" : "transport error"
    }
}
