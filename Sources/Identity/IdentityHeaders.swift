/// Identity headers a client might send to impersonate someone behind the gateway. The gateway removes them
/// from every incoming request before anything reads headers; identity comes only from verified credentials.
public enum IdentityHeaders {
    /// Exact header names (lower-case) that are always dropped.
    public static let exactNames: Set<String> = [
        "x-forwarded-user", "x-forwarded-email", "x-forwarded-groups", "x-forwarded-preferred-username",
        "x-forwarded-access-token", "x-remote-user", "x-remote-group", "x-remote-groups", "x-remote-email",
        "remote-user", "x-user", "x-email", "x-groups", "x-auth-request-user", "x-auth-request-email",
        "x-auth-request-groups", "x-auth-request-access-token", "x-ms-client-principal",
        "x-ms-client-principal-id", "x-ms-client-principal-name", "x-ms-client-principal-idp",
        "x-goog-authenticated-user-email", "x-goog-authenticated-user-id", "x-goog-iap-jwt-assertion",
        "x-amzn-oidc-identity", "x-amzn-oidc-data", "x-amzn-oidc-accesstoken", "x-client-cert",
        "x-ssl-client-cert", "x-ssl-client-s-dn", "x-ssl-client-verify", "x-forwarded-client-cert",
        "x-spiffe-id", "x-jwt-payload", "x-jwt-assertion", "x-principal", "x-tenant-id",
    ]

    /// Name prefixes (lower-case) that are always dropped.
    public static let prefixes: [String] = [
        "x-user-", "x-portcullis-", "x-authenticated-", "x-auth-", "x-remote-", "x-forwarded-user",
        "x-userinfo", "x-id-token", "x-identity-",
    ]

    /// Whether a client-sent header must be stripped (case-insensitive).
    public static func isStripped(_ name: String) -> Bool {
        let lower = name.lowercased()
        return exactNames.contains(lower) || prefixes.contains { lower.hasPrefix($0) }
    }
}

extension IdentityVerifier {
    /// See `IdentityHeaders.isStripped`: the predicate the gateway applies to every client-sent header name.
    public static func strippedIdentityHeaders(_ name: String) -> Bool { IdentityHeaders.isStripped(name) }
}
