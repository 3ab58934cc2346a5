import Core
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import Identity

/// Delegated principals: RFC 8693 actor chains, the client a user token was issued to (Entra OBO, Okta token
/// exchange fixtures), workloads presenting users' tokens, `may_act`, and certificate-bound tokens.
@Suite struct DelegationTests {
    static let partner = "https://partner.example.test"

    /// A verifier trusting `Harness.issuer` (the given mapping) and a partner issuer (namespace `partner`),
    /// an mTLS trust domain, and the listed workloads.
    func verifier(
        key: TestKey, mapping: ClaimMappingConfiguration = { var m = ClaimMappingConfiguration(); m.actorClient = ["/azp"]; return m }(),
        workloads: [DelegationConfiguration.Workload] = [], maxDepth: Int = 4, cacheEntries: Int = 100
    ) throws -> (IdentityVerifier, ManualClock) {
        let staff = IssuerConfiguration(
            name: "staff", issuer: Harness.issuer, audiences: [Harness.audience], algorithms: ["ES256"], claimMapping: mapping)
        let partner = IssuerConfiguration(
            name: "partner", issuer: Self.partner, audiences: [Harness.audience], algorithms: ["ES256"], groupNamespace: "partner")
        let mtls = MTLSConfiguration(trustDomains: [
            SPIFFETrustDomain(trustDomain: "prod.example.org", services: ["/ns/rag/sa/rag-api": .init(name: "rag-api", groups: ["rag"])]),
        ])
        let configuration = IdentityConfiguration(
            issuers: [staff, partner], mtls: mtls, tokenCacheEntries: cacheEntries,
            delegation: DelegationConfiguration(maxActorDepth: maxDepth, workloads: workloads))
        let clock = ManualClock()
        let source = FakeJWKSSource(jwks([key.jwk()]))
        let v = try IdentityVerifier(configuration: configuration, clock: clock, logger: quietLogger, environment: [:]) { _ in source }
        return (v, clock)
    }

    func claims(_ clock: ManualClock, _ extra: [String: JSONValue], issuer: String = Harness.issuer) -> [String: JSONValue] {
        let now = Int(clock.now())
        var c: [String: JSONValue] = [
            "iss": .string(issuer), "sub": .string("alice"), "aud": .string(Harness.audience),
            "exp": .integer(now + 300), "iat": .integer(now - 10), "scope": .string("llm"),
        ]
        for (k, v) in extra { c[k] = v }
        return c
    }

    func reason(_ v: IdentityVerifier, _ credentials: Credentials) async -> AuthenticationFailure.Reason? {
        do { _ = try await v.authenticate(credentials); return nil } catch { return error.reason }
    }

    static func act(_ chain: [String], issuer: String? = nil) -> JSONValue {
        var act: JSONValue?
        for sub in chain.reversed() {
            var m: [String: JSONValue] = ["sub": .string(sub)]
            if let issuer { m["iss"] = .string(issuer) }
            if let inner = act { m["act"] = inner }
            act = .object(m)
        }
        return act!
    }

    // MARK: actor chains

    @Test func nestedActClaimsBecomeTheChainNearestFirst() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let token = try key.sign(claims(clock, ["act": Self.act(["rag-api", "portal"])]))
        let p = try await v.authenticate(Credentials(authorization: "Bearer " + token))
        #expect(p.subject == "alice")
        #expect(p.kind == .user)
        #expect(p.actors.map(\.subject) == ["rag-api", "portal"])
        #expect(p.actors.allSatisfy { $0.source == .actClaim && $0.issuer == Harness.issuer && $0.kind == .service })
        #expect(p.tokenBinding == .none)
    }

    @Test func anActorChainOverTheDepthLimitIsRefused() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, maxDepth: 2)
        let ok = try key.sign(claims(clock, ["act": Self.act(["a", "b"])]))
        #expect(await reason(v, Credentials(authorization: "Bearer " + ok)) == nil)
        let deep = try key.sign(claims(clock, ["act": Self.act(["a", "b", "c"])]))
        #expect(await reason(v, Credentials(authorization: "Bearer " + deep)) == .invalidDelegation)
    }

    @Test func malformedOrUntrustedActorsAreRefused() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        for act: JSONValue in [.string("rag-api"), .object([:]), .object(["sub": .array([])]), Self.act(["x"], issuer: "https://evil.test"),
                               .object(["sub": .string("x"), "iss": .integer(1)])] {
            let token = try key.sign(claims(clock, ["act": act]))
            #expect(await reason(v, Credentials(authorization: "Bearer " + token)) == .invalidDelegation)
        }
    }

    @Test func anActorOfAnotherTrustedIssuerIsMappedAsThatIssuers() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let act: JSONValue = .object(["sub": .string("bot"), "iss": .string(Self.partner), "groups": .array([.string("agents")])])
        let p = try await v.authenticate(Credentials(authorization: "Bearer " + (try key.sign(claims(clock, ["act": act])))))
        #expect(p.actors.count == 1)
        #expect(p.actors[0].issuer == Self.partner)
        #expect(p.actors[0].groups == ["partner/agents"])
    }

    @Test func theClientAUserTokenIsIssuedToActsForTheUser() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let p = try await v.authenticate(Credentials(authorization: "Bearer " + (try key.sign(claims(clock, ["azp": .string("rag-web")])))))
        #expect(p.actors.map(\.subject) == ["rag-web"])
        #expect(p.actors[0].source == .client)
        // The user's own client id is no actor; an act claim takes precedence over the client.
        let own = try await v.authenticate(Credentials(authorization: "Bearer " + (try key.sign(claims(clock, ["azp": .string("alice")])))))
        #expect(own.actors.isEmpty)
        let both = try await v.authenticate(Credentials(authorization: "Bearer " + (try key.sign(
            claims(clock, ["azp": .string("rag-web"), "act": Self.act(["rag-api"])])))))
        #expect(both.actors.map(\.subject) == ["rag-api"])
    }

    // MARK: IdP shapes (fixtures)

    @Test func entraOnBehalfOfTokensNameTheMiddleTierAppAsActor() async throws {
        let key = try await TestKey.es256()
        let (v2, clock) = try verifier(key: key, mapping: ClaimMappingConfiguration(preset: .entraV2))
        // An on-behalf-of token issued to the gateway: the user (oid), the middle-tier API that exchanged the
        // user's token (azp), delegated scopes (scp).
        let obo = try key.sign(claims(clock, [
            "sub": .string("pairwise-sub"), "oid": .string("00000000-0000-0000-0000-0000000a11ce"), "tid": .string("tenant-1"),
            "azp": .string("11111111-2222-3333-4444-555555555555"), "scp": .string("LLM.Invoke"), "ver": .string("2.0"),
            "name": .string("Alice"), "preferred_username": .string("alice@contoso.example"),
        ]))
        let p = try await v2.authenticate(Credentials(authorization: "Bearer " + obo))
        #expect(p.subject == "00000000-0000-0000-0000-0000000a11ce")
        #expect(p.kind == .user)
        #expect(p.scopes == ["LLM.Invoke"])
        #expect(p.actors.map(\.subject) == ["11111111-2222-3333-4444-555555555555"])
        #expect(p.actors[0].source == .client)
        // An app-only token (no scp, idtyp app) is the app itself, with no actor.
        let app = try key.sign(claims(clock, [
            "sub": .string("app-oid"), "oid": .string("app-oid"), "azp": .string("app-client"), "idtyp": .string("app"),
            "roles": .array([.string("LLM.Batch")]), "tid": .string("tenant-1"), "ver": .string("2.0"),
        ]))
        let service = try await v2.authenticate(Credentials(authorization: "Bearer " + app))
        #expect(service.kind == .service)
        #expect(service.actors.isEmpty)

        let (v1, clock1) = try verifier(key: key, mapping: ClaimMappingConfiguration(preset: .entraV1))
        let oboV1 = try key.sign(claims(clock1, [
            "oid": .string("user-oid"), "appid": .string("middle-tier-app"), "scp": .string("user_impersonation"),
            "upn": .string("alice@contoso.example"), "tid": .string("tenant-1"), "ver": .string("1.0"),
        ]))
        let p1 = try await v1.authenticate(Credentials(authorization: "Bearer " + oboV1))
        #expect(p1.subject == "user-oid")
        #expect(p1.actors.map(\.subject) == ["middle-tier-app"])
    }

    @Test func oktaTokenExchangeTokensNameTheRequestingServiceAsActor() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, mapping: ClaimMappingConfiguration(preset: .okta))
        // Okta on-behalf-of token exchange: the user (uid, sub login), the service app that exchanged (cid).
        let exchanged = try key.sign(claims(clock, [
            "sub": .string("alice@example.com"), "uid": .string("00u1a2b3c4"), "cid": .string("0oa-rag-service"),
            "scp": .array([.string("llm.invoke")]), "ver": .integer(1),
        ]))
        let p = try await v.authenticate(Credentials(authorization: "Bearer " + exchanged))
        #expect(p.subject == "00u1a2b3c4")
        #expect(p.actors.map(\.subject) == ["0oa-rag-service"])
        // With an RFC 8693 act claim (an exchange of an exchanged token), the chain comes from act.
        let chained = try key.sign(claims(clock, [
            "sub": .string("alice@example.com"), "uid": .string("00u1a2b3c4"), "cid": .string("0oa-summariser"),
            "act": Self.act(["0oa-summariser", "0oa-rag-service"]), "scp": .array([.string("llm.invoke")]),
        ]))
        #expect(try await v.authenticate(Credentials(authorization: "Bearer " + chained)).actors.map(\.subject) == ["0oa-summariser", "0oa-rag-service"])
        // A client-credentials token (sub == cid) is the service itself.
        let service = try key.sign(claims(clock, ["sub": .string("0oa-batch"), "cid": .string("0oa-batch")]))
        let s = try await v.authenticate(Credentials(authorization: "Bearer " + service))
        #expect(s.kind == .service)
        #expect(s.actors.isEmpty)
    }

    // MARK: workloads presenting users' tokens

    static let workload = DelegationConfiguration.Workload(issuer: Harness.issuer, subject: "rag-api", userTokenClients: ["rag-web"])
    static let spiffeWorkload = DelegationConfiguration.Workload(
        issuer: "spiffe://prod.example.org", subject: "/ns/rag/sa/rag-api", userTokenClients: ["rag-web"])

    func workloadToken(_ key: TestKey, _ clock: ManualClock, subject: String = "rag-api", _ extra: [String: JSONValue] = [:]) throws -> String {
        var c = claims(clock, ["sub": .string(subject), "client_id": .string(subject), "groups": .array([.string("rag-services")])])
        for (k, v) in extra { c[k] = v }
        return try key.sign(c)
    }

    func userToken(_ key: TestKey, _ clock: ManualClock, _ extra: [String: JSONValue] = [:]) throws -> String {
        try key.sign(claims(clock, ["azp": .string("rag-web"), "client_id": .string("rag-web")].merging(extra) { _, b in b }))
    }

    @Test func aWorkloadCarryingAUserTokenMakesTheUserThePrincipal() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.workload])
        let p = try await v.authenticate(Credentials(
            authorization: "Bearer " + (try workloadToken(key, clock)), userTokens: [try userToken(key, clock)]))
        #expect(p.subject == "alice")
        #expect(p.kind == .user)
        #expect(p.authenticationMethod == "delegated")
        #expect(p.actors.map(\.subject) == ["rag-api", "rag-web"])
        #expect(p.actors[0].source == .workload)
        #expect(p.actors[0].groups == ["rag-services"])
    }

    @Test func anMTLSWorkloadCarryingAUserTokenIsAccepted() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.spiffeWorkload])
        let cert = try Self.certificate(uri: "spiffe://prod.example.org/ns/rag/sa/rag-api")
        let p = try await v.authenticate(Credentials(clientCertificateChain: [cert], userTokens: [try userToken(key, clock)]))
        #expect(p.subject == "alice")
        #expect(p.actors.first?.issuer == "spiffe://prod.example.org")
        #expect(p.actors.first?.groups == ["rag"])
        #expect(p.tokenBinding == .mtls)
    }

    @Test func everyBrokenDelegationIsRefused() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.workload])
        let workload = "Bearer " + (try workloadToken(key, clock))
        let user = try userToken(key, clock)
        // The user token for another audience.
        let otherAudience = try userToken(key, clock, ["aud": .string("api://other")])
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [otherAudience])) == .invalidAudience)
        // The user token expired while the workload's is valid.
        let expired = try userToken(key, clock, ["exp": .integer(Int(clock.now()) - 120)])
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [expired])) == .expired)
        // Binding: the user token is issued to a client this workload may not present.
        let otherClient = try userToken(key, clock, ["azp": .string("hr-portal")])
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [otherClient])) == .invalidDelegation)
        let noClient = try key.sign(claims(clock, [:]))
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [noClient])) == .invalidDelegation)
        // A workload that is not configured.
        let stranger = "Bearer " + (try workloadToken(key, clock, subject: "batch"))
        #expect(await reason(v, Credentials(authorization: stranger, userTokens: [user])) == .invalidDelegation)
        // A user presenting another user's token, or a service's token as the user's.
        #expect(await reason(v, Credentials(authorization: "Bearer " + user, userTokens: [user])) == .invalidDelegation)
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [try workloadToken(key, clock)])) == .invalidDelegation)
        // Two user tokens; none; no workload credential at all.
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [user, user])) == .invalidDelegation)
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [""])) == .invalidDelegation)
        #expect(await reason(v, Credentials(userTokens: [user])) == .invalidDelegation)
        // A workload that itself acts for someone.
        let acting = "Bearer " + (try workloadToken(key, clock, ["act": Self.act(["x"])]))
        #expect(await reason(v, Credentials(authorization: acting, userTokens: [user])) == .invalidDelegation)
        // The workload's own token refused refuses the whole call.
        let badWorkload = "Bearer " + (try workloadToken(key, clock, ["aud": .string("api://other")]))
        #expect(await reason(v, Credentials(authorization: badWorkload, userTokens: [user])) == .invalidAudience)
        // The chain with the workload over the depth limit.
        let (shallow, clock2) = try verifier(key: key, workloads: [Self.workload], maxDepth: 2)
        let longUser = try userToken(key, clock2, ["act": Self.act(["a", "b"])])
        #expect(await reason(shallow, Credentials(authorization: "Bearer " + (try workloadToken(key, clock2)), userTokens: [longUser])) == .invalidDelegation)
    }

    @Test func onAnMCPServerBothTokensMustBeForItsResource() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.workload])
        let resource = "https://gateway.example/mcp/tickets"
        let workload = "Bearer " + (try workloadToken(key, clock, ["aud": .string(resource)]))
        let user = try userToken(key, clock, ["aud": .string(resource)])
        let p = try await v.authenticate(Credentials(authorization: workload, userTokens: [user]), audience: resource)
        #expect(p.subject == "alice")
        #expect(p.actors.first?.subject == "rag-api")
        // A user token for the gateway's LLM APIs does not open the MCP server, nor the reverse.
        let llmUser = try userToken(key, clock)
        do {
            _ = try await v.authenticate(Credentials(authorization: workload, userTokens: [llmUser]), audience: resource)
            Issue.record("a user token for another audience was accepted")
        } catch { #expect(error.reason == .invalidAudience) }
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [user])) == .invalidAudience)
    }

    @Test func aUserTokenHeaderIsRefusedWhereNoWorkloadIsConfigured() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        #expect(await reason(v, Credentials(authorization: "Bearer " + (try workloadToken(key, clock)), userTokens: [try userToken(key, clock)])) == .invalidDelegation)
    }

    @Test func mayActIsHonoured() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.workload])
        let workload = "Bearer " + (try workloadToken(key, clock))
        let allowed = try userToken(key, clock, ["may_act": .object(["sub": .string("rag-api"), "iss": .string(Harness.issuer)])])
        #expect(await reason(v, Credentials(authorization: workload, userTokens: [allowed])) == nil)
        for mayAct: JSONValue in [.object(["sub": .string("other-service")]), .object(["sub": .string("rag-api"), "iss": .string(Self.partner)]),
                                  .object(["sub": .string("rag-api"), "email": .string("x@y")]), .string("rag-api"), .object([:])] {
            let token = try userToken(key, clock, ["may_act": mayAct])
            #expect(await reason(v, Credentials(authorization: workload, userTokens: [token])) == .invalidDelegation)
        }
    }

    // MARK: certificate-bound tokens (RFC 8705) and refused bindings

    @Test func certificateBoundTokensNeedTheirCertificate() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, workloads: [Self.spiffeWorkload])
        let cert = try Self.certificate(uri: "spiffe://prod.example.org/ns/rag/sa/rag-api")
        let other = try Self.certificate(uri: "spiffe://prod.example.org/ns/rag/sa/rag-api")
        let thumbprint = Base64URL.encode(Array(SHA256.hash(data: cert)))
        let bound = try key.sign(claims(clock, ["cnf": .object(["x5t#S256": .string(thumbprint)])]))
        let p = try await v.authenticate(Credentials(authorization: "Bearer " + bound, clientCertificateChain: [cert]))
        #expect(p.tokenBinding == .mtls)
        #expect(await reason(v, Credentials(authorization: "Bearer " + bound, clientCertificateChain: [other])) == .tokenBindingMismatch)
        #expect(await reason(v, Credentials(authorization: "Bearer " + bound)) == .tokenBindingMismatch)
        // A delegated user token bound to the workload's certificate; and to another.
        let boundUser = try userToken(key, clock, ["cnf": .object(["x5t#S256": .string(thumbprint)])])
        #expect(await reason(v, Credentials(clientCertificateChain: [cert], userTokens: [boundUser])) == nil)
        #expect(await reason(v, Credentials(clientCertificateChain: [other], userTokens: [boundUser])) == .tokenBindingMismatch)
    }

    @Test func boundTokensWithoutTheirProofAndUnknownBindingsAreRefused() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let dpopBound = try key.sign(claims(clock, ["cnf": .object(["jkt": .string("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")])]))
        #expect(await reason(v, Credentials(authorization: "Bearer " + dpopBound)) == .tokenBindingMismatch)
        #expect(await reason(v, Credentials(apiKeyHeader: dpopBound)) == .tokenBindingMismatch)
        // DPoP is not enabled on this verifier: the DPoP scheme is refused.
        #expect(await reason(v, Credentials(authorization: "DPoP " + dpopBound, dpopProofs: ["x.y.z"])) == .invalidDPoPProof)
        for cnf: JSONValue in [.object(["jwk": .object([:])]), .string("x"), .object([:]),
                               .object(["jkt": .string("a"), "x5t#S256": .string("b")]), .object(["jkt": .integer(1)])] {
            let token = try key.sign(claims(clock, ["cnf": cnf]))
            #expect(await reason(v, Credentials(authorization: "Bearer " + token)) == .tokenBindingMismatch)
        }
        // A proof beside a bearer token, or a proof with no token at all.
        let plain = try key.sign(claims(clock, [:]))
        #expect(await reason(v, Credentials(authorization: "Bearer " + plain, dpopProofs: ["x.y.z"])) == .invalidDPoPProof)
        #expect(await reason(v, Credentials(dpopProofs: ["x.y.z"])) == .invalidDPoPProof)
        #expect(await reason(v, Credentials(authorization: "Bearer " + plain)) == nil)
    }

    @Test func delegationConfigurationIsChecked() throws {
        func decode(_ json: String) throws -> DelegationConfiguration {
            try JSONDecoder().decode(DelegationConfiguration.self, from: Data(json.utf8))
        }
        let c = try decode(#"{"workloads":[{"issuer":"https://idp","subject":"rag"}]}"#)
        #expect(c.workloads[0].userTokenClients == ["rag"])
        #expect(c.userTokenHeader == "x-portcullis-user-token")
        #expect(throws: (any Error).self) { try decode(#"{"workloads":[{"issuer":"spiffe://prod.example.org","subject":"/ns/a"}]}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"user_token_header":"Authorization"}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"user_token_header":"x user"}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"max_actor_depth":0}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"workloads":[{"issuer":"https://idp","subject":"rag","user_token_clients":[]}]}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"unknown":1}"#) }
    }

    static let caKey = P256.Signing.PrivateKey()

    static func certificate(uri: String) throws -> [UInt8] {
        let key = P256.Signing.PrivateKey()
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
            issuer: try DistinguishedName { CommonName("Test CA") }, subject: try DistinguishedName { CommonName("workload") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.uniformResourceIdentifier(uri)])
            },
            issuerPrivateKey: .init(caKey))
        var serializer = DER.Serializer()
        try serializer.serialize(cert)
        return serializer.serializedBytes
    }
}
