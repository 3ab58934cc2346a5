import Foundation
import Core
import Testing
@testable import Gateway

/// Start-up checks that tie limits, prices and administration to the trusted identity sources.
@Suite struct IdentityScopedConfigurationTests {
    static let base = """
    providers:
      openai: {kind: openai, base_url: "https://api.openai.com/v1", api_key: "env:OPENAI_API_KEY"}
    models:
      - {name: gpt-4o, provider: openai, input_price_per_million: 2.5, output_price_per_million: 10}
      - {name: embed, provider: openai, input_price_per_million: 0.02}
    policy:
      files: [policies.cedar]
    """
    static let oneIssuer = base + """

    identity:
      issuers:
        - {name: staff, issuer: "https://login.staff.example/v2.0", audiences: [portcullis]}
    """
    static let twoIssuers = base + """

    identity:
      issuers:
        - {name: staff, issuer: "https://login.staff.example/v2.0", audiences: [portcullis]}
        - {name: partner, issuer: "https://kc.partner.example/realms/p", audiences: [portcullis], group_namespace: partner}
      mtls:
        trust_domains: [{trust_domain: prod.example.org}]
    """

    func load(_ yaml: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: yaml, file: "portcullis.yaml")
    }

    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func withOneIssuerARuleIsThatIssuers() throws {
        let c = try load(Self.oneIssuer + """

        limits:
          rate_limits: [{scope: group, match: eng, requests_per_minute: 10}, {scope: principal, match: "*", requests_per_minute: 5}]
          budgets: [{scope: tenant, match: acme, daily: 5}]
        """)
        #expect(c.limits.rateLimits[0].issuer == "https://login.staff.example/v2.0")
        #expect(c.limits.rateLimits[1].issuer == nil)  // "*": every issuer's principals, each separately
        #expect(c.limits.budgets[0].issuer == "https://login.staff.example/v2.0")
        #expect(c.administration.trustedIssuers == ["https://login.staff.example/v2.0"])
    }

    @Test func withSeveralSourcesANamedRuleMustSayWhose() throws {
        let yaml = Self.twoIssuers + """

        limits:
          rate_limits:
            - {scope: principal, match: "*", requests_per_minute: 5}
            - {scope: principal, match: ci-bot, requests_per_minute: 600}
        """
        let e = try #require(failure(yaml))
        #expect(e.key == "limits.rate_limits[1].match")
        #expect(e.message.contains("issuer"))
        // The error points at the rule's line in the file.
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ci-bot") }.map { $0 + 1 }
        #expect(e.line == line)
        let budget = try #require(failure(Self.twoIssuers + "\nlimits:\n  budgets: [{scope: group, match: eng, daily: 1}]\n"))
        #expect(budget.key == "limits.budgets[0].match")
        // Named by issuer name, exact iss or SPIFFE trust domain: resolved to the principal's issuer.
        let c = try load(Self.twoIssuers + """

        limits:
          rate_limits:
            - {scope: principal, match: ci-bot, issuer: staff, requests_per_minute: 600}
            - {scope: group, match: eng, issuer: "https://kc.partner.example/realms/p", requests_per_minute: 6}
            - {scope: principal, match: /ns/batch/sa/nightly, issuer: "spiffe://prod.example.org", requests_per_minute: 60}
            - {scope: model, match: gpt-4o, requests_per_minute: 100}
        """)
        #expect(c.limits.rateLimits.map(\.issuer) == [
            "https://login.staff.example/v2.0", "https://kc.partner.example/realms/p", "spiffe://prod.example.org", nil,
        ])
    }

    @Test func anUntrustedIssuerIsRefused() throws {
        let e = try #require(failure(Self.twoIssuers + "\nlimits:\n  rate_limits: [{scope: group, match: eng, issuer: stafff, requests_per_minute: 1}]\n"))
        #expect(e.key == "limits.rate_limits[0].issuer")
        #expect(e.message.contains("not a trusted issuer"))
        let model = try #require(failure(Self.oneIssuer + "\nlimits:\n  rate_limits: [{scope: model, match: gpt-4o, issuer: staff, requests_per_minute: 1}]\n"))
        #expect(model.message.contains("principal, group, tenant and actor"))
        let admin = try #require(failure(Self.twoIssuers + "\nadministration:\n  issuers: [staff, nobody]\n"))
        #expect(admin.key == "administration.issuers[1]")
    }

    @Test func administratorsComeFromTheConfiguredIssuersOnly() throws {
        // Several sources and no administration.issuers: nobody is an administrator.
        let none = try load(Self.twoIssuers)
        let staffAdmin = Core.Principal(issuer: "https://login.staff.example/v2.0", subject: "a", kind: .user, roles: ["portcullis-admin"])
        let partnerAdmin = Core.Principal(issuer: "https://kc.partner.example/realms/p", subject: "a", kind: .user, roles: ["portcullis-admin"])
        #expect(!none.administration.isAdministrator(staffAdmin))
        let c = try load(Self.twoIssuers + "\nadministration:\n  issuers: [staff]\n  groups: [platform]\n")
        #expect(c.administration.isAdministrator(staffAdmin))
        #expect(!c.administration.isAdministrator(partnerAdmin))
        var platform = partnerAdmin
        platform.roles = []
        platform.groups = ["platform"]
        #expect(!c.administration.isAdministrator(platform))
        platform.issuer = "https://login.staff.example/v2.0"
        #expect(c.administration.isAdministrator(platform))
    }

    @Test func withBudgetsEveryModelNeedsAPriceOrFree() throws {
        let unpriced = Self.oneIssuer.replacingOccurrences(
            of: "  - {name: embed, provider: openai, input_price_per_million: 0.02}", with: "  - {name: embed, provider: openai}")
        let budgets = "\nlimits:\n  budgets: [{scope: principal, daily: 1}]\n"
        let e = try #require(failure(unpriced + budgets))
        #expect(e.message.contains("model 'embed' has no price") && e.message.contains("free: true"))
        #expect(e.key.hasPrefix("models[1]"))
        // Without budgets a price is optional; with them, free: true states it.
        _ = try load(unpriced)
        let free = unpriced.replacingOccurrences(of: "{name: embed, provider: openai}", with: "{name: embed, provider: openai, free: true}")
        #expect(try load(free + budgets).models[1].inputPricePerMillion == 0)
        let both = Self.oneIssuer.replacingOccurrences(of: "input_price_per_million: 0.02}", with: "input_price_per_million: 0.02, free: true}")
        #expect(failure(both)?.key == "models[1].free")
        let negative = Self.oneIssuer.replacingOccurrences(of: "0.02", with: "-1")
        #expect(failure(negative)?.key == "models[1].input_price_per_million")
    }

    @Test func twoIssuersWithoutGroupNamespacesAreRefused() throws {
        let e = try #require(failure(Self.base + """

        identity:
          issuers:
            - {name: staff, issuer: "https://login.staff.example/v2.0", audiences: [portcullis]}
            - {name: partner, issuer: "https://kc.partner.example/realms/p", audiences: [portcullis]}
        """))
        #expect(e.key == "identity.issuers")
        #expect(e.message.contains("staff, partner") && e.message.contains("group_namespace"))
        let same = try #require(failure(Self.base + """

        identity:
          issuers:
            - {name: staff, issuer: "https://login.staff.example/v2.0", audiences: [portcullis], group_namespace: p}
            - {name: partner, issuer: "https://kc.partner.example/realms/p", audiences: [portcullis], group_namespace: p}
        """))
        #expect(same.message.contains("group_namespace p is used by two issuers"))
        let bad = try #require(failure(Self.oneIssuer.replacingOccurrences(of: "audiences: [portcullis]}", with: "audiences: [portcullis], group_namespace: \"a/b\"}")))
        #expect(bad.key.hasSuffix("group_namespace"))
    }
}
