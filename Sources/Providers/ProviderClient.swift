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
    private let httpClient: HTTPClient
    /// Upper bound on a non-streamed upstream body held in memory.
    private let maxResponseBytes: Int

    /// Resolves the credential reference once; a missing secret stops start-up here, not at the first call.
    public init(
        name: String, configuration: ProviderConfiguration, httpClient: HTTPClient,
        environment: [String: String]? = nil, maxResponseBytes: Int = 32 << 20
    ) throws {
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

    /// Sends one call. Returns once the upstream's response head has arrived; a streamed body is
    /// relayed by iterating `UpstreamResponse.body`. Extra headers are gateway-chosen (request id).
    public func send(
        operation: Operation, upstreamModel: String, body: ByteBuffer, stream: Bool,
        extraHeaders: [(String, String)] = [], version: String? = nil, betas: [String] = [], logger: Logger
    ) async throws(UpstreamError) -> UpstreamResponse {
        let endpoint = UpstreamEndpoint(
            configuration: configuration, operation: operation, upstreamModel: upstreamModel, credential: credential,
            version: version, betas: betas)
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = operation == .modelsList ? .GET : .POST
        for (k, v) in endpoint.headers { request.headers.add(name: k, value: v) }
        for (k, v) in extraHeaders { request.headers.add(name: k, value: v) }
        if request.method == .POST { request.body = .bytes(body) }

        var attempt = 0
        while true {
            do {
                return try await execute(request, stream: stream, logger: logger)
            } catch let failure as NotConnected {
                // Retried only when no connection was made: then nothing can have reached the provider.
                guard attempt < configuration.maxRetries, !Task.isCancelled else { throw failure.error }
                attempt += 1
                try? await Task.sleep(for: .milliseconds(100 << attempt))
            } catch let error as UpstreamError {
                throw error
            } catch {
                throw .unreachable(provider: name, reason: "unexpected client error")
            }
        }
    }

    /// A failure before any connection to the provider existed (the only kind that is retried).
    struct NotConnected: Error {
        let error: UpstreamError
    }

    private func execute(_ request: HTTPClientRequest, stream: Bool, logger: Logger) async throws -> UpstreamResponse {
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(
                request, timeout: .milliseconds(Int64(configuration.timeoutSeconds * 1000)), logger: logger)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw UpstreamError.timeout(provider: name)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        } catch {
            let failure = UpstreamError.unreachable(provider: name, reason: Self.describe(error))
            if Self.isConnectFailure(error) { throw NotConnected(error: failure) }
            throw failure
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
        let isEventStream = response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") ?? false
        if stream && isEventStream && response.status == .ok {
            return UpstreamResponse(status: Int(response.status.code), headers: headers, body: .streaming(response.body))
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
        "content-type", "openai-processing-ms", "openai-version", "x-request-id", "retry-after",
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
