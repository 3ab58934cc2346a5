import Core
import JWTKit

/// Verifies tokens of one configured issuer: header rules, signature against cached keys, registered claims,
/// token type, required claims, then the claim mapping to a `Principal`.
struct TrustedIssuer: Sendable {
    let configuration: IssuerConfiguration
    let keys: IssuerKeyStore
    let mapping: ClaimMapping
    let audiences: Set<String>
    let algorithms: Set<String>
    let requiredClaims: [JSONPointer]

    init(configuration: IssuerConfiguration, keys: IssuerKeyStore) throws {
        self.configuration = configuration
        self.keys = keys
        self.mapping = try ClaimMapping(configuration.claimMapping)
        self.audiences = Set(configuration.audiences)
        self.algorithms = Set(configuration.algorithms)
        self.requiredClaims = try configuration.requiredClaims.map { name in
            if name.hasPrefix("/") { return try JSONPointer(name) }
            return try JSONPointer("/" + name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))
        }
    }

    /// A verified token: its principal, the key-set generation that verified it, and the instants (skew
    /// included) between which its time claims accept it.
    struct Verified {
        let principal: Principal
        let generation: UInt64
        let validFrom: Double
        let validUntil: Double
    }

    /// - Parameter audience: when given, the one audience the token must name (an MCP resource URI, RFC 8707)
    ///   instead of the issuer's configured audiences.
    func verify(_ token: CompactToken, now: Double, audience: String? = nil) async throws(AuthenticationFailure) -> Verified {
        try checkHeader(token)
        let generation = try await checkSignature(token)
        let window = try checkClaims(token, now: now, audience: audience)
        guard var principal = mapping.principal(issuer: configuration.issuer, claims: token.claims) else {
            throw AuthenticationFailure(.missingSubject)
        }
        principal.groups = configuration.namespaced(principal.groups)
        principal.roles = configuration.namespaced(principal.roles)
        return Verified(principal: principal, generation: generation, validFrom: window.from, validUntil: window.until)
    }

    private func checkHeader(_ token: CompactToken) throws(AuthenticationFailure) {
        // `none`, HS* and anything not configured for this issuer stop here, before any key lookup.
        guard algorithms.contains(token.algorithm) else { throw AuthenticationFailure(.unsupportedAlgorithm) }
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; this verifier understands none.
        if token.header["crit"] != nil { throw AuthenticationFailure(.unsupportedHeader) }
        if let kid = token.header["kid"] {
            guard let text = kid.stringValue, KeyIDRule.isAcceptable(text) else { throw AuthenticationFailure(.invalidKeyID) }
        }
        if configuration.requireAccessTokenTyp {
            let typ = token.type?.lowercased()
            guard typ == "at+jwt" || typ == "application/at+jwt" else {
                throw AuthenticationFailure(.wrongTokenType, "an access token (typ at+jwt) is required")
            }
        }
    }

    /// Checks the signature; returns the generation of the key set that verified it.
    private func checkSignature(_ token: CompactToken) async throws(AuthenticationFailure) -> UInt64 {
        var available = keys.currentKeysAndGeneration()
        if available == nil {
            _ = await keys.refreshForUnknownKey()
            available = keys.currentKeysAndGeneration()
        }
        guard let loaded = available else { throw AuthenticationFailure(.keysUnavailable) }
        var (current, generation) = loaded
        var verifiers = current.verifiers(keyID: token.keyID, algorithm: token.algorithm)
        if verifiers.isEmpty, let kid = token.keyID, !current.hasKey(keyID: kid) {
            // Possibly a rotated key: one throttled refetch, then look again.
            if await keys.refreshForUnknownKey(), let refreshed = keys.currentKeysAndGeneration() {
                (current, generation) = refreshed
                verifiers = current.verifiers(keyID: kid, algorithm: token.algorithm)
            }
        }
        guard !verifiers.isEmpty else {
            if let kid = token.keyID, current.hasKey(keyID: kid) {
                throw AuthenticationFailure(.unsupportedAlgorithm, "the token's algorithm does not match its key")
            }
            throw AuthenticationFailure(.unknownKey)
        }
        for verifier in verifiers {
            if (try? verifier.verify(token.signature, signs: token.signingInput)) == true { return generation }
        }
        throw AuthenticationFailure(.invalidSignature)
    }

    /// Checks the registered and required claims; returns when (skew included) the time claims accept the token.
    private func checkClaims(_ token: CompactToken, now: Double, audience: String?) throws(AuthenticationFailure) -> (from: Double, until: Double) {
        let claims = token.claims
        let skew = Double(configuration.clockSkewSeconds)
        guard claims["iss"]?.stringValue == configuration.issuer else { throw AuthenticationFailure(.untrustedIssuer) }
        guard let expClaim = claims["exp"] else { throw AuthenticationFailure(.missingExpiration) }
        guard let exp = Self.seconds(expClaim) else { throw AuthenticationFailure(.malformedToken, "the exp claim is not a number") }
        if now > exp + skew { throw AuthenticationFailure(.expired) }
        var from = -Double.infinity
        var until = exp + skew
        if let nbfClaim = claims["nbf"] {
            guard let nbf = Self.seconds(nbfClaim) else { throw AuthenticationFailure(.malformedToken, "the nbf claim is not a number") }
            if nbf > now + skew { throw AuthenticationFailure(.notYetValid) }
            from = nbf - skew
        }
        var issuedAt: Double?
        if let iatClaim = claims["iat"] {
            guard let iat = Self.seconds(iatClaim) else { throw AuthenticationFailure(.malformedToken, "the iat claim is not a number") }
            if iat > now + skew { throw AuthenticationFailure(.issuedInFuture) }
            issuedAt = iat
        }
        if let maxAge = configuration.maxTokenAgeSeconds {
            guard let iat = issuedAt else { throw AuthenticationFailure(.missingClaim, "the token has no issued-at time (iat)") }
            if now - iat > Double(maxAge) + skew { throw AuthenticationFailure(.tooOld) }
            until = min(until, iat + Double(maxAge) + skew)
        }
        if let iat = issuedAt { from = max(from, iat - skew) }
        let tokenAudiences: [String]
        switch claims["aud"] {
        case .string(let a)?: tokenAudiences = [a]
        case .array(let list)?: tokenAudiences = list.compactMap(\.stringValue)
        default: throw AuthenticationFailure(.invalidAudience, "the token names no audience")
        }
        if let audience {
            guard tokenAudiences.contains(audience) else { throw AuthenticationFailure(.invalidAudience, "the token is not issued for this resource") }
        } else {
            guard tokenAudiences.contains(where: audiences.contains) else { throw AuthenticationFailure(.invalidAudience) }
        }
        if !configuration.acceptIDTokens {
            if Self.looksLikeIDToken(token) {
                throw AuthenticationFailure(.wrongTokenType, "an access token is required, not an ID token")
            }
            if let problem = EntraAccessToken.problem(claims, preset: configuration.claimMapping.preset) {
                throw AuthenticationFailure(.wrongTokenType, problem)
            }
        }
        for pointer in requiredClaims where !pointer.isPresent(in: claims) {
            throw AuthenticationFailure(.missingClaim, "the token lacks a required claim")
        }
        return (from, until)
    }

    /// The ID-token rule (documented in docs/identity.md): refused when the header says `id_token`, when the
    /// payload says so (`typ: ID` in Keycloak, `token_use: id` in Cognito), or when it carries the
    /// OpenID-Connect-only claims `nonce`, `at_hash` or `c_hash` without any `scope`/`scp` claim.
    static func looksLikeIDToken(_ token: CompactToken) -> Bool {
        let claims = token.claims
        if let typ = token.type?.lowercased(), typ.contains("id_token") || typ.contains("id+jwt") { return true }
        if claims["typ"]?.stringValue?.lowercased() == "id" { return true }
        if claims["token_use"]?.stringValue == "id" { return true }
        let oidcOnly = claims["nonce"] != nil || claims["at_hash"] != nil || claims["c_hash"] != nil
        let hasScope = claims["scope"] != nil || claims["scp"] != nil
        return oidcOnly && !hasScope
    }

    static func seconds(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let i): Double(i)
        case .number(let d) where d.isFinite: d
        default: nil
        }
    }
}
