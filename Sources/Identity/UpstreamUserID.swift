import Core
import Crypto

/// The pseudonymous user id providers may receive (OpenAI `user` field): hex HMAC-SHA256 of the principal id
/// under a configured key. Stable per user and key, unlinkable without the key, never the token or subject.
struct UpstreamUserID: Sendable {
    private let key: SymmetricKey

    init?(configuration: UpstreamUserIDConfiguration, environment: [String: String]) throws {
        guard configuration.mode == .hmac, let reference = configuration.key else { return nil }
        let secret = try reference.resolve(environment: environment)
        guard secret.utf8.count >= 16 else {
            throw IdentitySetupFailure(description: "upstream_user_id key \(reference) holds fewer than 16 bytes; use a random key")
        }
        key = SymmetricKey(data: Array(secret.utf8))
    }

    func pseudonym(for principal: Principal) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(principal.id.utf8), using: key)
        return Hex.encode(mac)
    }
}
