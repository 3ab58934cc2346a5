import Hummingbird
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The access tokens the mock token endpoint has issued, with their expiry and scopes, and how many grants
/// it issued and refused (`GET /mock/google/token-calls`), so tests can assert that a client caches.
final class GoogleAccessTokens: Sendable {
    enum Verdict: Equatable {
        case valid
        case missing
        case unknown
        case expired
        case insufficientScope
    }

    private struct Issued {
        let expiresAt: Date
        let scopes: Set<String>
    }

    private struct State {
        var tokens: [String: Issued] = [:]
        var issued = 0
        var refused = 0
    }

    private let state = Mutex(State())

    /// A new `ya29.mock-…` token for `lifetime` seconds.
    func issue(lifetime: Int, scopes: Set<String>, now: Date = Date()) -> String {
        var random = SystemRandomNumberGenerator()
        let token = "ya29.mock-" + (0..<4).map { _ in String(random.next() as UInt64, radix: 16) }.joined()
        state.withLock { state in
            // Forget expired tokens as new ones come, so the table stays small.
            state.tokens = state.tokens.filter { $0.value.expiresAt > now }
            state.tokens[token] = Issued(expiresAt: now.addingTimeInterval(TimeInterval(lifetime)), scopes: scopes)
            state.issued += 1
        }
        return token
    }

    func noteRefusal() { state.withLock { $0.refused += 1 } }

    /// Whether `authorization` carries a live token issued here with the `required` scope.
    func check(authorization: String?, required: String, now: Date = Date()) -> Verdict {
        guard let authorization, authorization.hasPrefix("Bearer ") || authorization.hasPrefix("bearer ") else {
            return .missing
        }
        let token = String(authorization.dropFirst(7))
        return state.withLock { state in
            guard let issued = state.tokens.first(where: { constantTimeEqual($0.key, token) })?.value else { return .unknown }
            guard issued.expiresAt > now else { return .expired }
            return issued.scopes.contains(required) ? .valid : .insufficientScope
        }
    }

    /// Forgets every issued token (they then answer 401, like expired ones); keeps the counts.
    func revokeAll() { state.withLock { $0.tokens.removeAll() } }

    /// `{"issued":N,"refused":M,"active":K}`.
    func renderCounts(now: Date = Date()) -> ByteBuffer {
        let (issued, refused, active) = state.withLock { s in (s.issued, s.refused, s.tokens.values.filter { $0.expiresAt > now }.count) }
        var out = ByteBuffer()
        out.writeStaticString("{\"issued\":")
        out.writeJSONInt(issued)
        out.writeStaticString(",\"refused\":")
        out.writeJSONInt(refused)
        out.writeStaticString(",\"active\":")
        out.writeJSONInt(active)
        out.writeStaticString("}")
        return out
    }
}
