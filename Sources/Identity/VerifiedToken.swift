import Core

/// What one verified access token establishes: its principal (actors included) and the facts a delegation or a
/// sender constraint is checked against on every request — its confirmation (`cnf`), the client it was issued
/// to and its `may_act`. Cached with the verification, so a hit needs no claims.
struct VerifiedToken: Sendable {
    var principal: Principal
    let confirmation: TokenConfirmation
    /// The client application the token was issued to (the issuer mapping's `actor_client`).
    let client: String?
    /// RFC 8693 `may_act`, if the token carries one.
    let mayAct: JSONValue?
}
