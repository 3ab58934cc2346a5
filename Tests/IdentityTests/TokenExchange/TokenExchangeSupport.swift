import Core
import Foundation
import Logging
import Synchronization

@testable import Identity

/// A token endpoint in memory: records every request it is sent and answers from a script (the default: a fresh
/// opaque token `xch-<n>` each time). With `hold()`, requests wait until `release()` (single flight). No network.
final class FakeTokenEndpoint: TokenEndpointTransport {
    struct Recorded: Sendable {
        let url: String
        let form: [String: String]
        let names: [String]
        let headers: [String: String]
        let timeoutSeconds: Int
    }

    enum Answer: Sendable {
        case token(expiresIn: Int?)
        case raw(status: Int, body: String)
        case failure(TokenExchangeFailure)
    }

    private struct State {
        var requests: [Recorded] = []
        var script: [Answer] = []
        var fallback: Answer = .token(expiresIn: 300)
        var issued = 0
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var requests: [Recorded] { state.withLock { $0.requests } }
    var exchanges: [Recorded] { requests.filter { $0.form["grant_type"] == TokenTypeURI.tokenExchangeGrant } }

    /// The next answers, in order; afterwards `fallback`.
    func script(_ answers: Answer...) { state.withLock { $0.script += answers } }
    func answerAlways(_ answer: Answer) { state.withLock { $0.fallback = answer } }
    func hold() { state.withLock { $0.held = true } }
    func release() {
        let waiting = state.withLock { s in
            s.held = false
            defer { s.waiting = [] }
            return s.waiting
        }
        waiting.forEach { $0.resume() }
    }

    func post(url: String, request: TokenEndpointRequest, timeoutSeconds: Int) async throws(TokenExchangeFailure) -> (status: Int, body: [UInt8]) {
        let recorded = Recorded(
            url: url, form: Dictionary(request.form, uniquingKeysWith: { a, _ in a }), names: request.form.map(\.0),
            headers: Dictionary(request.headers, uniquingKeysWith: { a, _ in a }), timeoutSeconds: timeoutSeconds)
        let (answer, n) = state.withLock { s in
            s.requests.append(recorded)
            s.issued += 1
            return (s.script.isEmpty ? s.fallback : s.script.removeFirst(), s.issued)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s in
                if s.held { s.waiting.append(c) }
                return s.held
            }
            if !wait { c.resume() }
        }
        switch answer {
        case .token(let expiresIn):
            let lifetime = expiresIn.map { ",\"expires_in\":\($0)" } ?? ""
            return (200, Array("{\"access_token\":\"xch-\(n)\",\"token_type\":\"Bearer\",\"issued_token_type\":\"\(TokenTypeURI.accessToken)\"\(lifetime)}".utf8))
        case .raw(let status, let body): return (status, Array(body.utf8))
        case .failure(let failure): throw failure
        }
    }
}

/// An exchanger over a fake endpoint and a manual clock.
struct ExchangeHarness {
    let endpoint = FakeTokenEndpoint()
    let clock = ManualClock()
    let exchanger: TokenExchanger

    static let secret = "s3cret value/+="

    init(_ configure: (inout TokenExchangeConfiguration) -> Void = { _ in }) throws {
        var configuration = TokenExchangeConfiguration(
            tokenEndpoint: "https://idp.example/oauth2/token", clientID: "portcullis", clientSecret: try SecretReference("env:XCH_SECRET"))
        configure(&configuration)
        exchanger = try TokenExchanger(
            configuration: configuration, transport: endpoint, clock: clock, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            environment: ["XCH_SECRET": Self.secret])
    }

    static func user(_ subject: String, actors: [String] = []) -> Principal {
        Principal(
            issuer: "https://idp.example", subject: subject, kind: .user,
            actors: actors.map { Principal.Actor(issuer: "https://idp.example", subject: $0, source: .workload) })
    }

    static func subject(_ token: String) -> SubjectToken? { SubjectToken.select(from: Credentials(authorization: "Bearer " + token)) }

    func token(_ user: String = "alice", actors: [String] = [], target: TokenExchangeTarget = .init(audience: "tickets"), token: String? = nil)
        async throws(TokenExchangeFailure) -> String
    {
        try await exchanger.token(for: Self.user(user, actors: actors), subject: Self.subject(token ?? "user-token-of-\(user)"), target: target).value
    }
}

/// A compact JWS with the given claims (the signature is not checked by the exchange client).
func unsignedJWT(_ claims: String) -> String {
    func b64(_ s: String) -> String {
        Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    return b64("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}") + "." + b64(claims) + ".c2lnbmF0dXJl"
}
