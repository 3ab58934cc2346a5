import Core

/// A workload calling for a signed-in user: it authenticates itself (a client-credentials token, or its mTLS
/// certificate) and carries the user's access token in `user_token_header`. Both are verified; the user token
/// must be for this gateway (or the MCP resource called), unexpired, a user's, issued to one of the clients the
/// workload is configured for, allow the workload in its `may_act` when it has one, and — when bound — be bound
/// to the key or certificate the workload proved. The principal is the user; the workload becomes the nearest
/// actor, before the actors the user token names itself.
struct WorkloadDelegation: Sendable {
    let header: String
    let maxDepth: Int
    /// `<issuer length>:<issuer>#<subject>` → workload rule.
    private let workloads: [String: DelegationConfiguration.Workload]

    init(configuration: DelegationConfiguration) {
        header = configuration.userTokenHeader
        maxDepth = configuration.maxActorDepth
        var byID: [String: DelegationConfiguration.Workload] = [:]
        for w in configuration.workloads { byID[w.key] = w }
        workloads = byID
    }

    func principal(
        _ credentials: Credentials, presented: PresentedToken?, audience: String?, verifier: IdentityVerifier
    ) async throws(AuthenticationFailure) -> Principal {
        guard !workloads.isEmpty else { throw AuthenticationFailure(.invalidDelegation, "this gateway accepts no user tokens from workloads") }
        guard credentials.userTokens.count == 1 else { throw AuthenticationFailure(.invalidDelegation, "send exactly one user token") }

        // The workload, with what it proved.
        let workload: Principal
        let proof: SenderConstraint.Proof
        if let presented {
            let verified = try await verifier.verify(presented.token, audience: audience)
            proof = try await verifier.senderConstraint.check(verified.confirmation, presented: presented, credentials: credentials)
            workload = verified.principal
        } else if !credentials.clientCertificateChain.isEmpty {
            guard credentials.dpopProofs.isEmpty else { throw AuthenticationFailure(.invalidDPoPProof, "a DPoP proof came without an access token") }
            workload = try await verifier.certificatePrincipal(credentials)
            proof = SenderConstraint.certificateProof(credentials)
        } else {
            throw AuthenticationFailure(.invalidDelegation, "a workload presenting a user token must authenticate itself")
        }
        guard workload.kind == .service, workload.actors.isEmpty else {
            throw AuthenticationFailure(.invalidDelegation, "only a service calling for itself may present a user token")
        }
        guard let rule = workloads[DelegationConfiguration.Workload.key(issuer: workload.issuer, subject: workload.subject)] else {
            throw AuthenticationFailure(.invalidDelegation, "this workload may not present user tokens")
        }

        // The user.
        let raw = PresentedToken.trimASCIIWhitespace(Substring(credentials.userTokens[0]))
        guard !raw.isEmpty else { throw AuthenticationFailure(.invalidDelegation, "the user token is empty") }
        let user: VerifiedToken
        do {
            user = try await verifier.verify(raw, audience: audience)
        } catch {
            throw AuthenticationFailure(error.reason, "the user token: \(error.description)")
        }
        guard user.principal.kind == .user else { throw AuthenticationFailure(.invalidDelegation, "the user token is a service's") }
        guard let client = user.client, rule.userTokenClients.contains(client) else {
            throw AuthenticationFailure(.invalidDelegation, "the user token is not issued to a client this workload may present")
        }
        let actor = Principal.Actor(
            issuer: workload.issuer, subject: workload.subject, kind: .service, name: workload.name, groups: workload.groups,
            roles: workload.roles, source: .workload)
        if let mayAct = user.mayAct, !MayAct(claim: mayAct).admits(actor) {
            throw AuthenticationFailure(.invalidDelegation, "the user token's may_act does not allow this workload")
        }
        switch user.confirmation {
        case .none: break
        case .dpop, .certificate:
            guard user.confirmation == proof.proven else {
                throw AuthenticationFailure(.tokenBindingMismatch, "the user token is bound to a key or certificate the workload did not prove")
            }
        }

        var principal = user.principal
        // The client actor the user token names is the workload itself when it presents tokens issued to it.
        let inherited = principal.actors.filter { !($0.source == .client && $0.issuer == actor.issuer && $0.subject == actor.subject) }
        principal.actors = [actor] + inherited
        guard principal.actors.count <= maxDepth else {
            throw AuthenticationFailure(.invalidDelegation, "the actor chain is longer than \(maxDepth)")
        }
        principal.authenticationMethod = "delegated"
        principal.tokenBinding = proof.binding
        return principal
    }
}
