import Core
import Identity

/// Step 1 over the `Identity` module: the credential is verified here, per request, or the request ends.
struct IdentityStage: Authenticating {
    let verifier: IdentityVerifier

    func authenticate(_ credentials: Credentials, context: RequestContext) async throws(GatewayError) -> Principal {
        try await authenticate(credentials, audience: nil)
    }

    func authenticate(_ credentials: Credentials, context: RequestContext, audience: String) async throws(GatewayError) -> Principal {
        try await authenticate(credentials, audience: Optional(audience))
    }

    static func usesDPoPScheme(_ credentials: Credentials) -> Bool {
        guard let value = credentials.authorization?.utf8.prefix(5) else { return false }
        return value.count == 5 && String(decoding: value, as: UTF8.self).lowercased() == "dpop "
    }

    private func authenticate(_ credentials: Credentials, audience: String?) async throws(GatewayError) -> Principal {
        do {
            return try await verifier.authenticate(credentials, audience: audience)
        } catch {
            switch error.reason {
            case .missingCredentials: throw .credentialsMissing
            // The issuer's keys cannot be had (IdP unreachable beyond the allowed staleness): the token may be
            // fine, the control cannot run. Fail closed, retryable — not a 401 that tells the client to re-login.
            case .keysUnavailable, .replayCheckUnavailable: throw .controlUnavailable(control: "identity")
            case .invalidDPoPProof, .replayedDPoPProof, .dpopNonceRequired:
                throw .proofRefused(description: error.description, error: error.bearerErrorCode ?? "invalid_dpop_proof", nonce: verifier.dpopNonce())
            // A DPoP-scheme call whose token and proof do not belong together: the DPoP challenge (RFC 9449 §7.1).
            case .tokenBindingMismatch where Self.usesDPoPScheme(credentials):
                throw .proofRefused(description: error.description, error: "invalid_token", nonce: verifier.dpopNonce())
            default: throw .unauthenticated(description: error.description)
            }
        }
    }
}
