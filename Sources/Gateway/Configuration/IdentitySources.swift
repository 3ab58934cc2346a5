import Core
import Identity
import Limits

/// The identity sources a configuration trusts: JWT issuers (by their `name` or exact `iss`) and mTLS trust
/// domains (`spiffe://trust-domain`, the issuer of a workload principal). Names of principals, groups and
/// tenants mean something only together with the source that asserted them, so every `issuer` key elsewhere in
/// the file (limits rules, `administration.issuers`) is resolved here at start-up, and a rule that names an
/// identity without saying whose is refused when more than one source is trusted.
struct IdentitySources {
    private let byName: [String: String]
    /// Every trusted principal issuer, as `Principal.issuer` carries it.
    let all: [String]

    init(_ identity: IdentityConfiguration) {
        var byName: [String: String] = [:]
        for issuer in identity.issuers { byName[issuer.name] = issuer.issuer }
        self.byName = byName
        all = identity.issuers.map(\.issuer) + (identity.mtls?.trustDomains ?? []).map { "spiffe://\($0.trustDomain)" }
    }

    /// The only source, when there is exactly one.
    var single: String? { all.count == 1 ? all[0] : nil }

    /// An issuer reference (a configured issuer `name`, an exact `iss`, or `spiffe://trust-domain`) as
    /// `Principal.issuer` carries it; nil when nothing trusted matches.
    func resolve(_ reference: String) -> String? {
        if let iss = byName[reference] { return iss }
        return all.contains(reference) ? reference : nil
    }

    var described: String {
        (byName.keys.sorted() + all.filter { $0.hasPrefix("spiffe://") }).joined(separator: ", ")
    }

    /// Resolves the `issuer` of every identity-scoped limits rule. Exact matches need an issuer when several
    /// sources are trusted (a bare `match: eng` would otherwise apply to any issuer's group `eng`); with one
    /// source, that source is implied.
    func qualify(_ limits: LimitsConfiguration, path: [any CodingKey]) throws -> LimitsConfiguration {
        var out = limits
        for (i, rule) in limits.rateLimits.enumerated() where rule.namesIdentities {
            out.rateLimits[i].issuer = try qualify(
                rule.issuer, match: rule.match, path: path + [AnyCodingKey(stringValue: "rate_limits"), AnyCodingKey(intValue: i)])
        }
        for (i, rule) in limits.budgets.enumerated() {
            out.budgets[i].issuer = try qualify(
                rule.issuer, match: rule.match, path: path + [AnyCodingKey(stringValue: "budgets"), AnyCodingKey(intValue: i)])
        }
        return out
    }

    private func qualify(_ issuer: String?, match: String, path: [any CodingKey]) throws -> String? {
        if let issuer {
            guard let resolved = resolve(issuer) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: path + [AnyCodingKey(stringValue: "issuer")],
                    debugDescription: "'\(issuer)' is not a trusted issuer; expected one of: \(described)"))
            }
            return resolved
        }
        guard match != "*" else { return nil }
        if let single { return single }
        throw DecodingError.dataCorrupted(.init(
            codingPath: path + [AnyCodingKey(stringValue: "match")],
            debugDescription: "several identity sources are trusted (\(described)): say whose '\(match)' this is with issuer: NAME"))
    }
}
