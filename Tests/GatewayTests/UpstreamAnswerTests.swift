import AsyncHTTPClient
import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
@testable import Gateway
@testable import Providers

/// What the provider client asks for and refuses: answers must come uncompressed (the guardrails read
/// every byte), and a call that reached the provider is never sent twice.
@Suite struct UpstreamAnswerTests {
    final class Seen: Sendable {
        let requests = Mutex<[String]>([])
    }

    /// A provider that answers every call gzip-encoded and records the Accept-Encoding it was sent.
    func encodingProvider(_ seen: Seen) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            seen.requests.withLock { $0.append(request.headers[.acceptEncoding] ?? "-") }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentEncoding: "gzip"],
                body: .init(byteBuffer: ByteBuffer(bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00])))
        }
        return Application(router: router)
    }

    @Test func encodedAnswerIsRefusedAndNotRetried() async throws {
        let seen = Seen()
        try await encodingProvider(seen).test(.live) { client in
            let port = try #require(client.port)
            let provider = try ProviderClient(
                name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:\(port)/v1", maxRetries: 3),
                httpClient: HTTPClient.shared)
            await #expect(throws: UpstreamError.invalidAnswer(provider: "p", reason: "content-encoded (gzip); identity was asked for")) {
                _ = try await provider.send(
                    operation: .chatCompletions, upstreamModel: "m", body: ByteBuffer(string: "{}"), stream: false,
                    logger: Logger(label: "test"))
            }
        }
        #expect(seen.requests.withLock { $0 } == ["identity"])
    }

    @Test func providerRedirectsAreNotFollowed() async throws {
        let followed = Seen()
        let router = Router()
        router.post("/v1/chat/completions") { _, _ in
            Response(status: .temporaryRedirect, headers: [.location: "/elsewhere/chat/completions"])
        }
        router.post("/elsewhere/chat/completions") { request, _ in
            followed.requests.withLock { $0.append(request.headers[.authorization] ?? "-") }
            return Response(status: .ok)
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: GatewayRuntime.upstreamClientConfiguration(connect: .seconds(5), idle: .seconds(10)))
            defer { _ = http.shutdown() }
            let provider = try ProviderClient(
                name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: try SecretReference("env:REDIRECT_TEST_KEY")),
                httpClient: http, environment: ["REDIRECT_TEST_KEY": "sk-provider-secret"])
            await #expect(throws: UpstreamError.invalidAnswer(provider: "p", reason: "redirect 307, not followed")) {
                _ = try await provider.send(
                    operation: .chatCompletions, upstreamModel: "m", body: ByteBuffer(string: "{}"), stream: false,
                    logger: Logger(label: "test"))
            }
        }
        #expect(followed.requests.withLock { $0 }.isEmpty, "the provider credential must not follow a redirect")
    }

    @Test func refusedConnectionIsUnreachableAtOnce() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: GatewayRuntime.upstreamClientConfiguration(connect: .seconds(5), idle: .seconds(60)))
        defer { _ = client.shutdown() }
        let provider = try ProviderClient(
            name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:1/v1", timeoutSeconds: 120, maxRetries: 1),
            httpClient: client)
        let started = ContinuousClock.now
        do {
            _ = try await provider.send(
                operation: .chatCompletions, upstreamModel: "m", body: ByteBuffer(string: "{}"), stream: false,
                logger: Logger(label: "test"))
            Issue.record("a refused connection must fail")
        } catch {
            guard case .notConnected(provider: "p", _) = error else {
                Issue.record("expected notConnected, got \(error)")
                return
            }
        }
        // One attempt (retries are the pipeline's). A pool that kept re-connecting until the request deadline
        // would have answered `timeout` instead of `notConnected`.
        _ = started
    }

    @Test func connectFailuresAreTheOnlyRetriedOnes() {
        #expect(ProviderClient.isConnectFailure(HTTPClientError.connectTimeout))
        #expect(!ProviderClient.isConnectFailure(HTTPClientError.remoteConnectionClosed))
        #expect(!ProviderClient.isConnectFailure(HTTPClientError.readTimeout))
        #expect(ProviderClient.isConnectFailure(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(!ProviderClient.isConnectFailure(IOError(errnoCode: ECONNRESET, reason: "read")))
    }
}
