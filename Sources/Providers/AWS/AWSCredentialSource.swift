import Core

/// Where the gateway's AWS credentials come from. Called before every signed request; a source that
/// cannot produce valid credentials throws (the call fails closed, it is never sent unsigned).
public protocol AWSCredentialSource: Sendable {
    func credentials() async throws(UpstreamError) -> AWSCredentials
}

/// Long-lived keys (and optionally a session token) from secret references (`env:NAME`,
/// `file:/path`), resolved once at start: a missing secret stops start-up, not the first call.
public struct StaticAWSCredentials: AWSCredentialSource {
    private let value: AWSCredentials

    /// `environment` replaces the process environment for `env:` references (tests).
    public init(
        accessKeyID: SecretReference, secretAccessKey: SecretReference, sessionToken: SecretReference? = nil,
        environment: [String: String]? = nil
    ) throws {
        func resolve(_ ref: SecretReference) throws -> String {
            try environment.map { try ref.resolve(environment: $0) } ?? ref.resolve()
        }
        value = AWSCredentials(
            accessKeyID: try resolve(accessKeyID), secretAccessKey: try resolve(secretAccessKey),
            sessionToken: try sessionToken.map(resolve))
    }

    public func credentials() async throws(UpstreamError) -> AWSCredentials { value }
}
