import Core

/// The actors of a verified token, nearest first:
/// - an RFC 8693 `act` claim: the outermost object is the current actor, each nested `act` a prior one. An
///   actor's `iss` (the token's issuer when absent) must be a trusted issuer, whose claim mapping reads the
///   actor's subject, name, groups and roles (groups namespaced as that issuer's); more than `maxDepth` actors,
///   an `act` that is not an object, or one naming no subject is refused;
/// - otherwise, for a user's token, the client application it was issued to (the mapping's `actor_client`:
///   Entra `azp`/`appid` of an on-behalf-of token, Okta `cid`), when that is not the user.
struct ActorChain {
    let issuers: [String: TrustedIssuer]
    let maxDepth: Int

    func actors(claims: JSONValue, issuer: TrustedIssuer, principal: Principal) throws(AuthenticationFailure) -> [Principal.Actor] {
        guard let act = claims["act"] else {
            guard principal.kind == .user, let client = issuer.mapping.client(in: claims), client != principal.subject else { return [] }
            return [Principal.Actor(issuer: principal.issuer, subject: client, kind: .service, source: .client)]
        }
        var chain: [Principal.Actor] = []
        var next: JSONValue? = act
        while let current = next {
            guard chain.count < maxDepth else {
                throw AuthenticationFailure(.invalidDelegation, "the actor chain is longer than \(maxDepth)")
            }
            guard case .object = current else { throw AuthenticationFailure(.invalidDelegation, "the act claim is not an object") }
            chain.append(try actor(current, tokenIssuer: issuer))
            next = current["act"]
        }
        return chain
    }

    private func actor(_ claims: JSONValue, tokenIssuer: TrustedIssuer) throws(AuthenticationFailure) -> Principal.Actor {
        let actorIssuer: TrustedIssuer
        switch claims["iss"] {
        case nil: actorIssuer = tokenIssuer
        case .string(let iss)?:
            guard let trusted = issuers[iss] else { throw AuthenticationFailure(.invalidDelegation, "an actor's issuer is not trusted") }
            actorIssuer = trusted
        default: throw AuthenticationFailure(.invalidDelegation, "an actor's iss is not a string")
        }
        let iss = actorIssuer.configuration.issuer
        if let mapped = actorIssuer.mapping.principal(issuer: iss, claims: claims) {
            return Principal.Actor(
                issuer: iss, subject: mapped.subject, kind: .service, name: mapped.name,
                groups: actorIssuer.configuration.namespaced(mapped.groups), roles: actorIssuer.configuration.namespaced(mapped.roles),
                source: .actClaim)
        }
        if let client = claims["client_id"]?.stringValue, !client.isEmpty {
            return Principal.Actor(issuer: iss, subject: client, kind: .service, source: .actClaim)
        }
        throw AuthenticationFailure(.invalidDelegation, "an actor names no subject")
    }
}
