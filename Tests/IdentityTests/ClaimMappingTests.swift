import Core
import Foundation
import Testing

@testable import Identity

/// Fixture tokens shaped like each IdP's access tokens, signed at test time and verified end to end.
@Suite struct ClaimMappingTests {
    func principal(_ preset: ClaimMappingConfiguration.Preset, _ claims: [String: JSONValue],
                   configure: (inout ClaimMappingConfiguration) -> Void = { _ in }) async throws -> Principal {
        let key = try await TestKey.rsa()
        var mapping = ClaimMappingConfiguration(preset: preset)
        configure(&mapping)
        let h = try Harness(keys: [key]) { $0.claimMapping = mapping }
        var c = h.claims(removing: ["sub", "scope"])
        for (k, v) in claims { c[k] = v }
        return try await h.authenticate(try key.sign(c))
    }

    func strings(_ s: [String]) -> JSONValue { .array(s.map(JSONValue.string)) }

    @Test func entraV2DelegatedUser() async throws {
        let p = try await principal(.entraV2, [
            "ver": .string("2.0"), "sub": .string("pairwise-sub"), "oid": .string("00000000-0000-0000-0000-00000000a11c"),
            "tid": .string("72f988bf-86f1-41af-91ab-2d7cd011db47"), "azp": .string("client-app"),
            "name": .string("Alice Adams"), "preferred_username": .string("alice@contoso.com"),
            "email": .string("alice@contoso.com"), "scp": .string("LLM.Use LLM.Admin"),
            "groups": strings(["g-eng", "g-ml"]), "roles": strings(["Gateway.User"]),
            "acr": .string("1"), "amr": strings(["pwd", "mfa"]),
        ])
        #expect(p.subject == "00000000-0000-0000-0000-00000000a11c")
        #expect(p.kind == .user)
        #expect(p.name == "Alice Adams")
        #expect(p.email == "alice@contoso.com")
        #expect(p.scopes == ["LLM.Use", "LLM.Admin"])
        #expect(p.groups == ["g-eng", "g-ml"])
        #expect(p.roles == ["Gateway.User"])
        #expect(p.tenant == "72f988bf-86f1-41af-91ab-2d7cd011db47")
        #expect(p.acr == "1")
        #expect(p.amr == ["pwd", "mfa"])
    }

    @Test func entraV2AppOnlyIsAService() async throws {
        let withIdtyp = try await principal(.entraV2, [
            "ver": .string("2.0"), "sub": .string("sp-oid"), "oid": .string("sp-oid"), "tid": .string("t"),
            "azp": .string("batch-app"), "roles": strings(["LLM.Batch"]), "idtyp": .string("app"),
        ])
        #expect(withIdtyp.kind == .service)
        #expect(withIdtyp.roles == ["LLM.Batch"])
        #expect(withIdtyp.name == "batch-app")
        // Without the optional idtyp claim: no scp (but roles and the calling client) means app-only.
        let noScp = try await principal(.entraV2, [
            "ver": .string("2.0"), "sub": .string("x"), "oid": .string("sp2"), "azp": .string("c"), "roles": strings(["R"]),
        ])
        #expect(noScp.kind == .service)
    }

    /// An Entra ID token for the gateway's own client id (audience) has neither nonce nor at_hash necessarily,
    /// and no scp: it must not pass as an access token, let alone as a service.
    @Test func entraIDTokensAndMismatchedVersionsAreRefused() async throws {
        func refusal(_ preset: ClaimMappingConfiguration.Preset, _ claims: [String: JSONValue]) async throws -> AuthenticationFailure? {
            do {
                _ = try await principal(preset, claims)
                return nil
            } catch let e as AuthenticationFailure { return e }
        }
        let idToken: [String: JSONValue] = [
            "ver": .string("2.0"), "sub": .string("pairwise"), "oid": .string("u-oid"), "tid": .string("t"),
            "name": .string("Alice"), "preferred_username": .string("alice@contoso.com"), "aio": .string("x"),
        ]
        #expect(try await refusal(.entraV2, idToken)?.reason == .wrongTokenType)
        // App roles can appear in ID tokens too; without the calling client (azp) it is not an app-only token.
        var withRoles = idToken
        withRoles["roles"] = strings(["Gateway.Admin"])
        #expect(try await refusal(.entraV2, withRoles)?.reason == .wrongTokenType)
        // Version must match the preset.
        #expect(try await refusal(.entraV2, ["ver": .string("1.0"), "oid": .string("u"), "scp": .string("x")])?.reason == .wrongTokenType)
        #expect(try await refusal(.entraV1, ["ver": .string("2.0"), "oid": .string("u"), "scp": .string("x")])?.reason == .wrongTokenType)
        #expect(try await refusal(.entraV2, ["oid": .string("u"), "scp": .string("x")])?.reason == .wrongTokenType)
        // idtyp must agree with scp.
        #expect(try await refusal(.entraV2, ["ver": .string("2.0"), "oid": .string("u"), "idtyp": .string("user"), "roles": strings(["R"]), "azp": .string("c")])?.reason == .wrongTokenType)
        #expect(try await refusal(.entraV2, ["ver": .string("2.0"), "oid": .string("u"), "idtyp": .string("app"), "scp": .string("x")])?.reason == .wrongTokenType)
        #expect(try await refusal(.entraV2, ["ver": .string("2.0"), "oid": .string("u"), "idtyp": .string("device"), "scp": .string("x")])?.reason == .wrongTokenType)
        // v1 app-only tokens name the client in appid.
        #expect(try await refusal(.entraV1, ["ver": .string("1.0"), "oid": .string("a"), "roles": strings(["R"]), "azp": .string("c")])?.reason == .wrongTokenType)
        // A real delegated token passes.
        #expect(try await refusal(.entraV2, ["ver": .string("2.0"), "oid": .string("u"), "scp": .string("LLM.Use"), "idtyp": .string("user")]) == nil)
        // accept_id_tokens turns the access-token checks off (for issuers whose ID tokens are credentials).
        let key = try await TestKey.rsa()
        let h = try Harness(keys: [key]) { $0.claimMapping = ClaimMappingConfiguration(preset: .entraV2); $0.acceptIDTokens = true }
        var c = h.claims(removing: ["sub", "scope"])
        for (k, v) in idToken { c[k] = v }
        #expect(try await h.authenticate(try key.sign(c)).subject == "u-oid")
    }

    @Test func entraV1() async throws {
        let user = try await principal(.entraV1, [
            "ver": .string("1.0"), "oid": .string("u-oid"), "sub": .string("s"), "upn": .string("bob@contoso.com"),
            "unique_name": .string("bob@contoso.com"), "name": .string("Bob"), "scp": .string("user_impersonation"),
            "tid": .string("tenant-1"), "appid": .string("client-1"), "groups": strings(["g1"]),
        ])
        #expect(user.subject == "u-oid")
        #expect(user.email == "bob@contoso.com")
        #expect(user.kind == .user)
        #expect(user.scopes == ["user_impersonation"])
        let app = try await principal(.entraV1, [
            "ver": .string("1.0"), "oid": .string("app-oid"), "sub": .string("app-oid"), "appid": .string("daemon-client"),
            "appidacr": .string("1"), "roles": strings(["Jobs.Run"]), "tid": .string("tenant-1"),
        ])
        #expect(app.kind == .service)
        #expect(app.name == "daemon-client")
    }

    @Test func okta() async throws {
        let user = try await principal(.okta, [
            "ver": .integer(1), "jti": .string("AT.x"), "cid": .string("0oa1client"), "uid": .string("00u1user"),
            "sub": .string("carol@example.com"), "scp": strings(["openid", "llm:use"]), "groups": strings(["Everyone", "ML"]),
        ])
        #expect(user.subject == "00u1user")
        #expect(user.kind == .user)
        #expect(user.scopes == ["openid", "llm:use"])
        #expect(user.groups == ["Everyone", "ML"])
        let service = try await principal(.okta, [
            "cid": .string("0oa2service"), "sub": .string("0oa2service"), "scp": strings(["llm:batch"]),
        ])
        #expect(service.kind == .service)
        #expect(service.subject == "0oa2service")
    }

    @Test func keycloak() async throws {
        let user = try await principal(.keycloak, [
            "sub": .string("f1b2-user"), "typ": .string("Bearer"), "azp": .string("portcullis"),
            "preferred_username": .string("dave"), "name": .string("Dave D"), "email": .string("dave@partner.example"),
            "scope": .string("openid profile email"),
            "realm_access": .object(["roles": strings(["offline_access", "llm-user"])]),
            "resource_access": .object([
                "portcullis": .object(["roles": strings(["gpt-4o"])]),
                "account": .object(["roles": strings(["manage-account"])]),
            ]),
            "groups": strings(["/partners/acme"]),
        ])
        #expect(user.kind == .user)
        // Without client_id only realm roles count: any client of the realm can define any role name.
        #expect(user.roles == ["offline_access", "llm-user"])
        #expect(user.scopes == ["openid", "profile", "email"])
        #expect(user.groups == ["/partners/acme"])
        #expect(user.name == "Dave D")
        let withClient = try await principal(.keycloak, [
            "sub": .string("f1b2-user"), "realm_access": .object(["roles": strings(["llm-user"])]),
            "resource_access": .object([
                "portcullis": .object(["roles": strings(["gpt-4o"])]),
                "partner-app": .object(["roles": strings(["portcullis-admin"])]),
            ]),
        ]) { $0.clientID = "portcullis" }
        #expect(withClient.roles == ["llm-user", "gpt-4o"])
        #expect(!withClient.roles.contains("portcullis-admin"))
        let service = try await principal(.keycloak, [
            "sub": .string("svc-uuid"), "preferred_username": .string("service-account-batch"),
            "azp": .string("batch"), "client_id": .string("batch"), "scope": .string("profile"),
        ])
        #expect(service.kind == .service)
    }

    @Test func google() async throws {
        let user = try await principal(.google, [
            "sub": .string("1093"), "email": .string("erin@corp.example"), "email_verified": .bool(true),
            "hd": .string("corp.example"), "name": .string("Erin"),
        ])
        #expect(user.email == "erin@corp.example")
        #expect(user.tenant == "corp.example")
        #expect(user.kind == .user)
        let unverified = try await principal(.google, [
            "sub": .string("1094"), "email": .string("mallory@corp.example"), "email_verified": .bool(false),
        ])
        #expect(unverified.email == nil)
        let sa = try await principal(.google, [
            "sub": .string("1111"), "email": .string("ci@proj.iam.gserviceaccount.com"), "email_verified": .bool(true),
        ])
        #expect(sa.kind == .service)
    }

    @Test func genericWithPointerOverrides() async throws {
        let p = try await principal(.generic, [
            "sub": .string("ignored"), "user": .object(["id": .integer(42), "mail": .string("f@x.example")]),
            "teams": strings(["a", "b"]), "perm": .object(["x": strings(["r1"]), "y": strings(["r2", "r1"])]),
            "kind": .string("machine"),
        ]) { m in
            m.subject = ["/user/id"]
            m.email = ["/user/mail"]
            m.groups = ["/teams"]
            m.roles = ["/perm/*"]
            m.serviceWhen = [.init(claim: "/kind", equals: "machine")]
        }
        #expect(p.subject == "42")
        #expect(p.email == "f@x.example")
        #expect(p.groups == ["a", "b"])
        #expect(p.roles == ["r1", "r2"])
        #expect(p.kind == .service)
    }

    @Test func genericClientCredentialsIsAService() async throws {
        let p = try await principal(.generic, ["sub": .string("cli-1"), "client_id": .string("cli-1"), "scope": .string("llm")])
        #expect(p.kind == .service)
        let u = try await principal(.generic, ["sub": .string("u"), "client_id": .string("cli-1")])
        #expect(u.kind == .user)
    }

    @Test func claimMappingDecodesBothForms() throws {
        struct Wrap: Decodable { let m: ClaimMappingConfiguration }
        let short = try JSONDecoder().decode(Wrap.self, from: Data(#"{"m":"keycloak"}"#.utf8))
        #expect(short.m.preset == .keycloak)
        let long = try JSONDecoder().decode(Wrap.self, from: Data(
            #"{"m":{"preset":"okta","groups":"/g","roles":["/a","/b"],"service_when":[{"claim":"/k","prefix":"svc-"}]}}"#.utf8))
        #expect(long.m.preset == .okta)
        #expect(long.m.groups == ["/g"])
        #expect(long.m.roles == ["/a", "/b"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Wrap.self, from: Data(#"{"m":"auth0"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Wrap.self, from: Data(#"{"m":{"grups":"/g"}}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Wrap.self, from: Data(#"{"m":{"groups":"groups"}}"#.utf8)) }
    }

    @Test func jsonPointerEscapesAndWildcards() throws {
        let doc = JSONValue.object(["a/b": .object(["m~n": .string("v")]), "l": .array([.string("x"), .string("y")])])
        #expect(try JSONPointer("/a~1b/m~0n").string(in: doc) == "v")
        #expect(try JSONPointer("/l/1").string(in: doc) == "y")
        #expect(try JSONPointer("/l/*").strings(in: doc) == ["x", "y"])
        #expect(throws: JSONPointer.Invalid.self) { try JSONPointer("groups") }
    }

    @Test func groupNamespacePrefixesGroupsAndRolesOfThatIssuerOnly() async throws {
        let key = try await TestKey.rsa()
        let h = try Harness(keys: [key]) { $0.groupNamespace = "partner" }
        let c = h.claims(["groups": strings(["admins", "eng"]), "roles": strings(["portcullis-admin"])])
        let p = try await h.authenticate(try key.sign(c))
        #expect(p.groups == ["partner/admins", "partner/eng"])
        #expect(p.roles == ["partner/portcullis-admin"])
        let plain = try Harness(keys: [key])
        #expect(try await plain.authenticate(try key.sign(plain.claims(["groups": strings(["admins"])]))).groups == ["admins"])
    }

    @Test func twoIssuersMayNotBothLeaveGroupsUnqualified() throws {
        let a = IssuerConfiguration(name: "staff", issuer: "https://a.example", audiences: ["x"])
        var b = IssuerConfiguration(name: "partner", issuer: "https://b.example", audiences: ["x"])
        #expect(throws: IdentitySetupFailure.self) {
            _ = try IdentityVerifier(configuration: IdentityConfiguration(issuers: [a, b]), clock: ManualClock(), logger: quietLogger, environment: [:]) { _ in FakeJWKSSource("{}") }
        }
        b.groupNamespace = "partner"
        _ = try IdentityVerifier(configuration: IdentityConfiguration(issuers: [a, b]), clock: ManualClock(), logger: quietLogger, environment: [:]) { _ in FakeJWKSSource("{}") }
    }
}
