/// Why a credential was refused. `description` is safe to send to the caller in
/// `WWW-Authenticate: Bearer error="invalid_token", error_description="..."`: it names what failed and never
/// echoes the token, a claim value or a key.
public struct AuthenticationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// No credential at all (RFC 6750: `WWW-Authenticate: Bearer` without an error code).
        case missingCredentials = "missing_credentials"
        case malformedCredentials = "malformed_credentials"
        case tokenTooLarge = "token_too_large"
        case malformedToken = "malformed_token"
        case unsupportedAlgorithm = "unsupported_algorithm"
        case unsupportedHeader = "unsupported_header"
        case invalidKeyID = "invalid_key_id"
        case unknownKey = "unknown_key"
        /// The issuer's keys are not loaded or older than the allowed staleness; the gateway may answer 503.
        case keysUnavailable = "keys_unavailable"
        case invalidSignature = "invalid_signature"
        case untrustedIssuer = "untrusted_issuer"
        case invalidAudience = "invalid_audience"
        case expired
        case notYetValid = "not_yet_valid"
        case issuedInFuture = "issued_in_future"
        case tooOld = "too_old"
        case missingExpiration = "missing_expiration"
        case missingClaim = "missing_claim"
        case wrongTokenType = "wrong_token_type"
        case missingSubject = "missing_subject"
        case invalidCertificate = "invalid_certificate"
        case untrustedTrustDomain = "untrusted_trust_domain"
        case unknownService = "unknown_service"
        /// A DPoP proof is missing, malformed, wrongly signed, or does not match the request (RFC 9449).
        case invalidDPoPProof = "invalid_dpop_proof"
        /// The proof's `jti` was seen before within its window.
        case replayedDPoPProof = "replayed_dpop_proof"
        /// The server requires a fresh nonce in the proof (answered with `DPoP-Nonce`).
        case dpopNonceRequired = "use_dpop_nonce"
        /// A sender-constrained token (`cnf`) came without its proof, or with a proof of another key or certificate.
        case tokenBindingMismatch = "token_binding_mismatch"
        /// The delegation (actor chain, workload and user token) is not acceptable.
        case invalidDelegation = "invalid_delegation"
        /// The shared store of used DPoP proofs cannot be reached: the proof cannot be checked for replay.
        case replayCheckUnavailable = "replay_check_unavailable"
    }

    public let reason: Reason
    public let description: String

    init(_ reason: Reason, _ description: String? = nil) {
        self.reason = reason
        self.description = description ?? Self.defaultDescription(reason)
    }

    /// RFC 6750 error code for the `WWW-Authenticate` header; nil when no credential was sent.
    public var bearerErrorCode: String? {
        switch reason {
        case .missingCredentials: nil
        case .invalidDPoPProof, .replayedDPoPProof: "invalid_dpop_proof"
        case .dpopNonceRequired: "use_dpop_nonce"
        default: "invalid_token"
        }
    }

    static func defaultDescription(_ reason: Reason) -> String {
        switch reason {
        case .missingCredentials: "authentication required: send a bearer token"
        case .malformedCredentials: "the Authorization header is not a bearer token"
        case .tokenTooLarge: "the token exceeds 16 KB"
        case .malformedToken: "the token is not a well-formed JWT"
        case .unsupportedAlgorithm: "the token's signature algorithm is not accepted"
        case .unsupportedHeader: "the token carries a critical header extension that is not supported"
        case .invalidKeyID: "the token's key id is not acceptable"
        case .unknownKey: "the token is signed with an unknown key"
        case .keysUnavailable: "the issuer's signing keys are currently unavailable"
        case .replayCheckUnavailable: "the DPoP proof cannot be checked for replay right now"
        case .invalidSignature: "the token signature is invalid"
        case .untrustedIssuer: "the token issuer is not trusted"
        case .invalidAudience: "the token audience is not accepted"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet (nbf)"
        case .issuedInFuture: "the token is issued in the future (iat)"
        case .tooOld: "the token is older than the maximum token age"
        case .missingExpiration: "the token has no expiration (exp)"
        case .missingClaim: "the token lacks a required claim"
        case .wrongTokenType: "an access token is required"
        case .missingSubject: "the token names no subject"
        case .invalidCertificate: "the client certificate carries no usable SPIFFE ID"
        case .untrustedTrustDomain: "the client certificate's trust domain is not trusted"
        case .unknownService: "the client certificate names an unknown service"
        case .invalidDPoPProof: "the DPoP proof is not valid for this request"
        case .replayedDPoPProof: "the DPoP proof has been used before"
        case .dpopNonceRequired: "a DPoP proof with the server's current nonce is required"
        case .tokenBindingMismatch: "the token is bound to a key or certificate the caller did not prove"
        case .invalidDelegation: "the delegation is not accepted"
        }
    }
}
