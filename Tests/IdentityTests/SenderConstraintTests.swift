import Core
import Foundation
import Testing

@testable import Identity

/// DPoP-bound tokens through `IdentityVerifier`: the proof is checked on every request (cache hit or not), must be
/// signed by the key the token names in `cnf.jkt`, and a bound token never passes as a bearer token.
@Suite struct SenderConstraintTests {
    static let publicURL = "https://gateway.example"

    func verifier(key: TestKey, workloads: [DelegationConfiguration.Workload] = [], requireNonce: Bool = false) throws -> (IdentityVerifier, ManualClock) {
        var mapping = ClaimMappingConfiguration()
        mapping.actorClient = ["/azp"]
        let issuer = IssuerConfiguration(name: "staff", issuer: Harness.issuer, audiences: [Harness.audience], algorithms: ["ES256"], claimMapping: mapping)
        let configuration = IdentityConfiguration(
            issuers: [issuer], delegation: DelegationConfiguration(workloads: workloads),
            dpop: DPoPConfiguration(publicURL: Self.publicURL, requireNonce: requireNonce))
        let clock = ManualClock()
        let source = FakeJWKSSource(jwks([key.jwk()]))
        return (try IdentityVerifier(configuration: configuration, clock: clock, logger: quietLogger, environment: [:]) { _ in source }, clock)
    }

    func token(_ key: TestKey, _ clock: ManualClock, jkt: String?, _ extra: [String: JSONValue] = [:]) throws -> String {
        let now = Int(clock.now())
        var c: [String: JSONValue] = [
            "iss": .string(Harness.issuer), "sub": .string("alice"), "aud": .string(Harness.audience),
            "exp": .integer(now + 300), "iat": .integer(now - 10), "scope": .string("llm"),
        ]
        if let jkt { c["cnf"] = .object(["jkt": .string(jkt)]) }
        for (k, v) in extra { c[k] = v }
        return try key.sign(c)
    }

    func call(_ token: String, proof: String?, scheme: String = "DPoP", path: String = "/v1/chat/completions", userTokens: [String] = []) -> Credentials {
        Credentials(authorization: "\(scheme) \(token)", dpopProofs: proof.map { [$0] } ?? [], userTokens: userTokens, method: "POST", path: path)
    }

    func reason(_ v: IdentityVerifier, _ c: Credentials) async -> AuthenticationFailure.Reason? {
        do { _ = try await v.authenticate(c); return nil } catch { return error.reason }
    }

    @Test func aDPoPBoundTokenWithItsProofIsAcceptedOnEveryRequest() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let holder = DPoPProofSigner()
        let token = try token(key, clock, jkt: holder.jkt)
        let url = Self.publicURL + "/v1/chat/completions"
        for _ in 0..<2 {  // the second call hits the verified-token cache: the proof is still required and checked
            let proof = try holder.proof(method: "POST", url: url, accessToken: token, iat: Int(clock.now()))
            let p = try await v.authenticate(call(token, proof: proof))
            #expect(p.tokenBinding == .dpop)
            #expect(p.subject == "alice")
        }
        #expect(await reason(v, call(token, proof: nil)) == .invalidDPoPProof)
    }

    @Test func everyDPoPRefusal() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key)
        let holder = DPoPProofSigner()
        let thief = DPoPProofSigner()
        let token = try token(key, clock, jkt: holder.jkt)
        let url = Self.publicURL + "/v1/chat/completions"
        let now = Int(clock.now())
        // Replayed proof.
        let once = try holder.proof(method: "POST", url: url, accessToken: token, iat: now)
        #expect(await reason(v, call(token, proof: once)) == nil)
        #expect(await reason(v, call(token, proof: once)) == .replayedDPoPProof)
        // Wrong htm, wrong htu, stale iat.
        #expect(await reason(v, call(token, proof: try holder.proof(method: "GET", url: url, accessToken: token, iat: now))) == .invalidDPoPProof)
        #expect(await reason(v, call(token, proof: try holder.proof(method: "POST", url: Self.publicURL + "/v1/embeddings", accessToken: token, iat: now))) == .invalidDPoPProof)
        #expect(await reason(v, call(token, proof: try holder.proof(method: "POST", url: "https://evil.example/v1/chat/completions", accessToken: token, iat: now))) == .invalidDPoPProof)
        #expect(await reason(v, call(token, proof: try holder.proof(method: "POST", url: url, accessToken: token, iat: now - 600))) == .invalidDPoPProof)
        // A valid proof by another key than the token is bound to.
        #expect(await reason(v, call(token, proof: try thief.proof(method: "POST", url: url, accessToken: token, iat: now))) == .tokenBindingMismatch)
        // The bound token without proof, as Bearer, or with a proof beside Bearer.
        #expect(await reason(v, call(token, proof: nil, scheme: "Bearer")) == .tokenBindingMismatch)
        #expect(await reason(v, call(token, proof: try holder.proof(method: "POST", url: url, accessToken: token, iat: now), scheme: "Bearer")) == .invalidDPoPProof)
        // An unbound token sent with the DPoP scheme.
        let plain = try self.token(key, clock, jkt: nil)
        #expect(await reason(v, call(plain, proof: try holder.proof(method: "POST", url: url, accessToken: plain, iat: now))) == .tokenBindingMismatch)
        // Two proofs.
        let a = try holder.proof(method: "POST", url: url, accessToken: token, iat: now)
        let b = try holder.proof(method: "POST", url: url, accessToken: token, iat: now)
        #expect(await reason(v, Credentials(authorization: "DPoP " + token, dpopProofs: [a, b], method: "POST", path: "/v1/chat/completions")) == .invalidDPoPProof)
    }

    @Test func aRequiredNonceIsAskedForAndThenAccepted() async throws {
        let key = try await TestKey.es256()
        let (v, clock) = try verifier(key: key, requireNonce: true)
        let holder = DPoPProofSigner()
        let token = try token(key, clock, jkt: holder.jkt)
        let url = Self.publicURL + "/v1/chat/completions"
        #expect(await reason(v, call(token, proof: try holder.proof(method: "POST", url: url, accessToken: token, iat: Int(clock.now())))) == .dpopNonceRequired)
        let nonce = try #require(v.dpopNonce())
        let p = try await v.authenticate(call(token, proof: try holder.proof(method: "POST", url: url, accessToken: token, nonce: nonce, iat: Int(clock.now()))))
        #expect(p.tokenBinding == .dpop)
    }

    @Test func aDelegatedUserTokenBoundToTheWorkloadsKeyIsAccepted() async throws {
        let key = try await TestKey.es256()
        let workload = DelegationConfiguration.Workload(issuer: Harness.issuer, subject: "rag-api", userTokenClients: ["rag-web"])
        let (v, clock) = try verifier(key: key, workloads: [workload])
        let holder = DPoPProofSigner()
        let workloadToken = try token(key, clock, jkt: holder.jkt, ["sub": .string("rag-api"), "client_id": .string("rag-api")])
        let url = Self.publicURL + "/v1/chat/completions"
        let sameKey = try token(key, clock, jkt: holder.jkt, ["azp": .string("rag-web")])
        let otherKey = try token(key, clock, jkt: DPoPProofSigner().jkt, ["azp": .string("rag-web")])
        let proof1 = try holder.proof(method: "POST", url: url, accessToken: workloadToken, iat: Int(clock.now()))
        let p = try await v.authenticate(call(workloadToken, proof: proof1, userTokens: [sameKey]))
        #expect(p.subject == "alice")
        #expect(p.tokenBinding == .dpop)
        #expect(p.actors.first?.subject == "rag-api")
        let proof2 = try holder.proof(method: "POST", url: url, accessToken: workloadToken, iat: Int(clock.now()))
        #expect(await reason(v, call(workloadToken, proof: proof2, userTokens: [otherKey])) == .tokenBindingMismatch)
    }
}
