import Core

/// Checks that the presenter of a sender-constrained token holds what the token is bound to:
/// - `Authorization: DPoP <token>` needs a DPoP-bound token (`cnf.jkt`) and one valid proof by that key (RFC 9449);
/// - a certificate-bound token (`cnf.x5t#S256`, RFC 8705) needs the client certificate it names on this
///   connection;
/// - a bearer token with a `DPoP` proof beside it, or a DPoP-bound token sent as `Bearer`, is refused: a bound
///   token without its proof is exactly what a thief would present.
struct SenderConstraint: Sendable {
    /// What the caller proved: the binding for policies and the record, and the confirmation it satisfies (a
    /// delegated user token bound to the same key or certificate is accepted against it).
    struct Proof: Sendable {
        let binding: Principal.TokenBinding
        let proven: TokenConfirmation
    }

    let dpop: (any DPoPProofChecking)?
    let clock: any IdentityClock

    func check(_ confirmation: TokenConfirmation, presented: PresentedToken, credentials: Credentials) async throws(AuthenticationFailure) -> Proof {
        switch presented.scheme {
        case .dpop:
            guard let dpop else { throw AuthenticationFailure(.invalidDPoPProof, "DPoP is not enabled on this gateway") }
            guard case .dpop(let jkt) = confirmation else {
                throw AuthenticationFailure(.tokenBindingMismatch, "a token sent with the DPoP scheme must be DPoP-bound (cnf.jkt)")
            }
            let proven = try await dpop.verify(
                proofs: credentials.dpopProofs, method: credentials.method, path: credentials.path,
                accessToken: presented.token, now: clock.now())
            guard ConstantTime.equal(proven, jkt) else {
                throw AuthenticationFailure(.tokenBindingMismatch, "the DPoP proof is signed by another key than the token is bound to")
            }
            return Proof(binding: .dpop, proven: confirmation)
        case .bearer:
            guard credentials.dpopProofs.isEmpty else {
                throw AuthenticationFailure(.invalidDPoPProof, "a DPoP proof was sent with a Bearer token: use the DPoP scheme")
            }
            switch confirmation {
            case .none:
                return Proof(binding: .none, proven: .none)
            case .dpop:
                throw AuthenticationFailure(.tokenBindingMismatch, "a DPoP-bound token needs the DPoP scheme and a proof")
            case .certificate(let thumbprint):
                guard let leaf = credentials.clientCertificateChain.first else {
                    throw AuthenticationFailure(.tokenBindingMismatch, "the token is bound to a client certificate and none was presented")
                }
                guard ConstantTime.equal(Self.certificateThumbprint(leaf), thumbprint) else {
                    throw AuthenticationFailure(.tokenBindingMismatch, "the token is bound to another client certificate")
                }
                return Proof(binding: .mtls, proven: confirmation)
            }
        }
    }

    /// What a workload authenticated by its client certificate alone proves.
    static func certificateProof(_ credentials: Credentials) -> Proof {
        guard let leaf = credentials.clientCertificateChain.first else { return Proof(binding: .none, proven: .none) }
        return Proof(binding: .mtls, proven: .certificate(thumbprint: certificateThumbprint(leaf)))
    }

    /// RFC 8705 `x5t#S256`: base64url SHA-256 of the certificate's DER.
    static func certificateThumbprint(_ der: [UInt8]) -> String { DPoPVerifier.certificateThumbprint(der: der) }
}

extension DPoPVerifier: DPoPProofChecking {}

/// Verifies a request's DPoP proof and returns the JWK thumbprint of the key that signed it (see `DPoPVerifier`).
protocol DPoPProofChecking: Sendable {
    func verify(proofs: [String], method: String, path: String, accessToken: Substring, now: Double) async throws(AuthenticationFailure) -> String
    /// The nonce to send in `DPoP-Nonce` (RFC 9449 §8).
    func currentNonce(now: Double) -> String
}
