/// Where a Google provider gets the OAuth 2.0 access token it sends as `Authorization: Bearer` (Vertex AI).
/// Implementations cache and refresh; a caller asks on every request.
public protocol GoogleAccessTokenSource: Sendable {
    /// A token valid for at least a while longer. Throws `.misconfigured` when the credential is refused,
    /// `.unreachable` when the token endpoint cannot be used; the reason never carries token or key material.
    func accessToken() async throws(UpstreamError) -> String
}
