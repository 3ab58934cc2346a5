import Core

/// A compiled claim mapping: the preset's pointers with the configured overrides applied.
/// Built once per issuer at start; `principal(issuer:claims:)` runs per request.
struct ClaimMapping: Sendable {
    struct Rule: Sendable {
        enum Condition: Sendable {
            case equals(String)
            case equalsClaim(JSONPointer)
            case prefix(String)
            case suffix(String)
            case present(Bool)
        }
        let claim: JSONPointer
        let condition: Condition

        func matches(_ claims: JSONValue) -> Bool {
            switch condition {
            case .present(let wanted): return claim.isPresent(in: claims) == wanted
            case .equals(let value): return claim.string(in: claims) == value
            case .equalsClaim(let other):
                guard let a = claim.string(in: claims), let b = other.string(in: claims) else { return false }
                return a == b
            case .prefix(let p): return claim.string(in: claims)?.hasPrefix(p) ?? false
            case .suffix(let s): return claim.string(in: claims)?.hasSuffix(s) ?? false
            }
        }
    }

    var subject: [JSONPointer]
    var name: [JSONPointer]
    var email: [JSONPointer]
    var emailVerified: JSONPointer?
    var groups: [JSONPointer]
    var roles: [JSONPointer]
    var scopes: [JSONPointer]
    var tenant: [JSONPointer]
    var acr: [JSONPointer]
    var amr: [JSONPointer]
    var serviceWhen: [Rule]
    var listSeparator: Character?
    /// The client application a user's token was issued to (see `ClaimMappingConfiguration.actorClient`).
    var actorClient: [JSONPointer]

    init(_ configuration: ClaimMappingConfiguration) throws {
        self = Self.preset(configuration.preset)
        if configuration.preset == .keycloak, let client = configuration.clientID {
            // A JSON pointer segment escapes `~` and `/` (RFC 6901); `*` would be a wildcard, so a client id of
            // `*` is refused rather than read as "every client".
            guard client != "*" else { throw IdentitySetupFailure(description: "claim_mapping.client_id must name one client") }
            let escaped = client.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            roles.append(try JSONPointer("/resource_access/\(escaped)/roles"))
        }
        func compile(_ list: [String]?) throws -> [JSONPointer]? { try list.map { try $0.map(JSONPointer.init) } }
        if let v = try compile(configuration.subject) { subject = v }
        if let v = try compile(configuration.name) { name = v }
        if let v = try compile(configuration.email) { email = v }
        if let v = configuration.emailVerified { emailVerified = try JSONPointer(v) }
        if let v = try compile(configuration.groups) { groups = v }
        if let v = try compile(configuration.roles) { roles = v }
        if let v = try compile(configuration.scopes) { scopes = v }
        if let v = try compile(configuration.tenant) { tenant = v }
        if let v = try compile(configuration.acr) { acr = v }
        if let v = try compile(configuration.amr) { amr = v }
        if let v = try compile(configuration.actorClient) { actorClient = v }
        listSeparator = configuration.listSeparator?.first
        if let rules = configuration.serviceWhen {
            serviceWhen = try rules.map { r in
                let condition: Rule.Condition
                if let v = r.equals { condition = .equals(v) }
                else if let v = r.equalsClaim { condition = .equalsClaim(try JSONPointer(v)) }
                else if let v = r.prefix { condition = .prefix(v) }
                else if let v = r.suffix { condition = .suffix(v) }
                else { condition = .present(r.present ?? true) }
                return Rule(claim: try JSONPointer(r.claim), condition: condition)
            }
        }
    }

    private init(
        subject: [String], name: [String], email: [String], emailVerified: String? = nil, groups: [String],
        roles: [String], scopes: [String], tenant: [String], actorClient: [String] = [], serviceWhen: [Rule]
    ) {
        // Preset pointers are literals known to be valid.
        func p(_ list: [String]) -> [JSONPointer] { list.map { try! JSONPointer($0) } }
        self.subject = p(subject)
        self.name = p(name)
        self.email = p(email)
        self.emailVerified = emailVerified.map { try! JSONPointer($0) }
        self.groups = p(groups)
        self.roles = p(roles)
        self.scopes = p(scopes)
        self.tenant = p(tenant)
        self.acr = p(["/acr"])
        self.amr = p(["/amr"])
        self.serviceWhen = serviceWhen
        self.actorClient = p(actorClient)
        self.listSeparator = nil
    }

    private static func rule(_ claim: String, _ condition: Rule.Condition) -> Rule {
        Rule(claim: try! JSONPointer(claim), condition: condition)
    }

    /// The built-in mappings (see docs/identity.md for the reasoning behind each).
    static func preset(_ preset: ClaimMappingConfiguration.Preset) -> ClaimMapping {
        switch preset {
        case .generic:
            // RFC 9068: without a resource owner, `sub` is the client's id.
            return .init(
                subject: ["/sub"], name: ["/name", "/preferred_username"], email: ["/email"], groups: ["/groups"],
                roles: ["/roles"], scopes: ["/scope", "/scp"], tenant: [],
                serviceWhen: [rule("/client_id", .equalsClaim(try! JSONPointer("/sub")))])
        case .entraV1:
            // `oid` is the tenant-wide object id (`sub` is pairwise per application). App-only tokens carry
            // `idtyp: app` (optional claim) and never `scp`; delegated tokens always carry `scp`.
            return .init(
                subject: ["/oid", "/sub"], name: ["/name", "/app_displayname", "/appid"],
                email: ["/upn", "/email", "/unique_name"], groups: ["/groups"], roles: ["/roles"], scopes: ["/scp"],
                tenant: ["/tid"], actorClient: ["/appid"], serviceWhen: [rule("/idtyp", .equals("app")), rule("/scp", .present(false))])
        case .entraV2:
            return .init(
                subject: ["/oid", "/sub"], name: ["/name", "/preferred_username", "/azp"], email: ["/email"],
                groups: ["/groups"], roles: ["/roles"], scopes: ["/scp"], tenant: ["/tid"], actorClient: ["/azp"],
                serviceWhen: [rule("/idtyp", .equals("app")), rule("/scp", .present(false))])
        case .okta:
            // Okta access tokens: `uid` for users, `cid` the client; client-credentials tokens have sub == cid.
            return .init(
                subject: ["/uid", "/sub"], name: ["/name", "/sub"], email: ["/email"], groups: ["/groups"],
                roles: ["/roles"], scopes: ["/scp"], tenant: [], actorClient: ["/cid"],
                serviceWhen: [rule("/sub", .equalsClaim(try! JSONPointer("/cid")))])
        case .keycloak:
            // Realm roles, plus the configured client's roles (`client_id`, added in `init`): never every client's,
            // since any client of the realm may define a role of any name. Client-credentials users are
            // service-account-<client>.
            return .init(
                subject: ["/sub"], name: ["/name", "/preferred_username"], email: ["/email"], groups: ["/groups"],
                roles: ["/realm_access/roles"], scopes: ["/scope"], tenant: [], actorClient: ["/azp"],
                serviceWhen: [rule("/preferred_username", .prefix("service-account-"))])
        case .google:
            // Workspace domain `hd` is the tenant; an email counts only when `email_verified` is true.
            return .init(
                subject: ["/sub"], name: ["/name", "/email"], email: ["/email"], emailVerified: "/email_verified",
                groups: ["/groups"], roles: [], scopes: ["/scope"], tenant: ["/hd"],
                serviceWhen: [rule("/email", .suffix(".gserviceaccount.com"))])
        }
    }

    /// The client application the token was issued to, when the mapping names one.
    func client(in claims: JSONValue) -> String? {
        for p in actorClient { if let v = p.string(in: claims), !v.isEmpty { return v } }
        return nil
    }

    /// The principal for verified claims, or nil when no subject can be found.
    func principal(issuer: String, claims: JSONValue) -> Principal? {
        func first(_ pointers: [JSONPointer]) -> String? {
            for p in pointers { if let v = p.string(in: claims) { return v } }
            return nil
        }
        func all(_ pointers: [JSONPointer], separator: Character?) -> [String] {
            var seen = Set<String>()
            return pointers.flatMap { $0.strings(in: claims, separator: separator) }
                .filter { !$0.isEmpty && seen.insert($0).inserted }
        }
        guard let subject = first(subject) else { return nil }
        var email = first(self.email)
        if let verified = emailVerified {
            let flag = verified.values(in: claims).first
            if flag?.boolValue != true && flag?.stringValue != "true" { email = nil }
        }
        let isService = serviceWhen.contains { $0.matches(claims) }
        return Principal(
            issuer: issuer, subject: subject, kind: isService ? .service : .user, name: first(name), email: email,
            groups: all(groups, separator: listSeparator), roles: all(roles, separator: listSeparator), scopes: all(scopes, separator: " "), tenant: first(tenant), acr: first(acr),
            amr: all(amr, separator: listSeparator), authenticationMethod: "jwt")
    }
}
