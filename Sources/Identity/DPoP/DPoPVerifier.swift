import Core
import Crypto
import Foundation

/// Verifies RFC 9449 DPoP proofs for requests carrying a DPoP-bound access token. No HTTP here: the caller
/// passes the `DPoP` header values, the method, the request path and the access token, and maps the
/// `AuthenticationFailure` to its response (`.dpopNonceRequired` with a `DPoP-Nonce: currentNonce(now:)`).
///
/// Checks, in order (cheap first; the signature before anything is remembered or a nonce is judged):
/// 1. exactly one proof, at most 8 KB, well-formed (`DPoPProof`: typ, alg, public jwk, claim types);
/// 2. `htm` equals the method exactly; `htu` equals `public_url` + path after normalisation (`DPoPTarget`);
/// 3. `iat` within ± `iat_window_seconds` of now;
/// 4. `ath` present and equal to base64url(SHA-256(access token));
/// 5. the signature, with the key from `jwk` and an algorithm its key type supports;
/// 6. the nonce: with `require_nonce` it must be present and current; without, a nonce present must still be
///    current (the client should retry with a fresh one) — both refused as `.dpopNonceRequired`;
/// 7. first use of (key thumbprint, `jti`) (`DPoPReplayStore`), else `.replayedDPoPProof`.
///
/// Returns the proof key's RFC 7638 thumbprint, for the caller to compare with the token's `cnf.jkt`.
public final class DPoPVerifier: Sendable {
    private let base: String
    private let algorithms: Set<String>
    private let window: Double
    private let requireNonce: Bool
    private let nonces: DPoPNonces
    private let replayStore: any DPoPReplayStore
    private let keys: DPoPKeyVerifiers

    /// - Parameters:
    ///   - environment: where `nonce_key: env:NAME` is looked up.
    ///   - replayStore: where used proofs are remembered; default an in-memory `DPoPReplayCache` of
    ///     `replay_cache_entries`.
    /// - Throws: `IdentitySetupFailure` for an invalid configuration or a nonce key that cannot be read or is
    ///   shorter than 32 bytes (the description names the reference, never the value).
    public init(
        configuration: DPoPConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        replayStore: (any DPoPReplayStore)? = nil
    ) throws(IdentitySetupFailure) {
        if let problem = configuration.validationProblem() {
            throw IdentitySetupFailure(description: "dpop: \(problem.key.rawValue): \(problem.message)")
        }
        guard let base = DPoPTarget.base(configuration.publicURL) else {
            throw IdentitySetupFailure(description: "dpop: public_url is not an acceptable base URL")
        }
        let key: SymmetricKey
        if let reference = configuration.nonceKey {
            let secret: String
            do { secret = try reference.resolve(environment: environment) } catch {
                throw IdentitySetupFailure(description: "dpop: nonce_key: \(error)")
            }
            guard secret.utf8.count >= 32 else {
                throw IdentitySetupFailure(description: "dpop: nonce_key \(reference) holds fewer than 32 bytes; use a random key")
            }
            key = SymmetricKey(data: Array(secret.utf8))
        } else {
            key = SymmetricKey(size: .bits256)
        }
        self.base = base
        self.algorithms = Set(configuration.algorithms)
        self.window = Double(configuration.iatWindowSeconds)
        self.requireNonce = configuration.requireNonce
        self.nonces = DPoPNonces(key: key, lifetimeSeconds: configuration.nonceLifetimeSeconds)
        self.replayStore = replayStore ?? DPoPReplayCache(capacity: configuration.replayCacheEntries)
        self.keys = DPoPKeyVerifiers()
    }

    /// Verifies the request's DPoP proof and returns its key's JWK thumbprint (`jkt`).
    /// - Parameters:
    ///   - proofs: every `DPoP` header value of the request (exactly one is accepted).
    ///   - method: the request method, compared with `htm` exactly (`POST`).
    ///   - path: the request path as received, without query (`/v1/chat/completions`).
    ///   - accessToken: the DPoP-bound access token of the request (`Authorization: DPoP <token>`).
    ///   - now: seconds since 1970.
    public func verify(
        proofs: [String], method: String, path: String, accessToken: Substring, now: Double
    ) async throws(AuthenticationFailure) -> String {
        guard proofs.count == 1, let text = proofs.first else {
            throw DPoPProof.invalid(proofs.isEmpty ? "a DPoP proof is required" : "exactly one DPoP proof is allowed")
        }
        let proof = try DPoPProof(Substring(text), algorithms: algorithms)
        guard proof.htm == method else { throw DPoPProof.invalid("the DPoP proof is for another HTTP method (htm)") }
        guard let expected = DPoPTarget.expected(base: base, path: path),
            let target = DPoPTarget.normalized(Substring(proof.htu)), target == expected
        else { throw DPoPProof.invalid("the DPoP proof is for another URL (htu)") }
        if proof.iat < now - window { throw DPoPProof.invalid("the DPoP proof is stale (iat)") }
        if proof.iat > now + window { throw DPoPProof.invalid("the DPoP proof is issued in the future (iat)") }
        guard let ath = proof.ath else { throw DPoPProof.invalid("the DPoP proof lacks the access token hash (ath)") }
        guard ath == Self.accessTokenHash(accessToken) else {
            throw DPoPProof.invalid("the DPoP proof is for another access token (ath)")
        }
        guard proof.verifySignature(try await keys.verifier(for: proof)) else {
            throw DPoPProof.invalid("the DPoP proof's signature does not verify with its jwk")
        }
        if let nonce = proof.nonce {
            guard nonces.accepts(nonce, now: now) else {
                throw AuthenticationFailure(.dpopNonceRequired, "the DPoP proof's nonce is not current; retry with the DPoP-Nonce sent")
            }
        } else if requireNonce {
            throw AuthenticationFailure(.dpopNonceRequired)
        }
        let digest = DPoPReplayCache.digest(thumbprint: proof.thumbprint, jti: proof.jti)
        let first: Bool
        do { first = try await replayStore.firstUse(digest, expiresAt: proof.iat + window, now: now) } catch {
            throw AuthenticationFailure(.replayCheckUnavailable)
        }
        guard first else {
            // The store says false for a replay and when it cannot record the proof (full of live proofs).
            throw AuthenticationFailure(.replayedDPoPProof, "the DPoP proof has been used before or cannot be recorded now; send a new proof")
        }
        return proof.thumbprint
    }

    /// The nonce to send in `DPoP-Nonce` (with `.dpopNonceRequired`, or on any response to keep clients fresh).
    public func currentNonce(now: Double) -> String { nonces.current(now: now) }

    /// `ath` (RFC 9449 §4.2): base64url(SHA-256(the access token's ASCII bytes)).
    public static func accessTokenHash(_ accessToken: Substring) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))))
    }
}
