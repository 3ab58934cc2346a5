import Core
import Identity

/// Step 1 over the `Identity` module: the credential is verified here, per request, or the request ends.
struct IdentityStage: Authenticating {
    let verifier: IdentityVerifier

    func authenticate(_ credentials: Credentials, context: RequestContext) async throws(GatewayError) -> Principal {
        do {
            return try await verifier.authenticate(credentials)
        } catch {
            if error.reason == .missingCredentials { throw .credentialsMissing }
            throw .unauthenticated(description: error.description)
        }
    }
}
