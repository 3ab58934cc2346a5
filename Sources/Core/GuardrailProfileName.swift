/// Which guardrail profile serves a request: one of the built-in profiles a policy may name
/// (`@guardrails("strict")`), or one the configuration defines under its own name (`default_profile`).
/// Ordered by restrictiveness when obligations merge (the stricter wins); a configured name ranks as `standard`.
public enum GuardrailProfileName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    case off, permissive, standard, strict
    /// A profile defined in the configuration under a name of its own.
    case configured(String)

    /// The built-in profiles, least to most restrictive: the names `@guardrails` accepts.
    public static let builtIn: [GuardrailProfileName] = [.off, .permissive, .standard, .strict]

    public init(_ name: String) {
        self = Self.builtIn.first { $0.name == name } ?? .configured(name)
    }

    public init(stringLiteral name: String) { self.init(name) }

    public var name: String {
        switch self {
        case .off: "off"
        case .permissive: "permissive"
        case .standard: "standard"
        case .strict: "strict"
        case .configured(let name): name
        }
    }

    public var description: String { name }

    /// How restrictive the profile is: off 0, permissive 1, standard (and configured profiles) 2, strict 3.
    public var restrictiveness: Int {
        switch self {
        case .off: 0
        case .permissive: 1
        case .standard, .configured: 2
        case .strict: 3
        }
    }
}

extension GuardrailProfileName: Codable {
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

/// Who may be served an answer cached for a request: the principal alone (the default), everyone of the
/// principal's tenant, or everyone. Ordered from narrowest to widest; when obligations merge, the narrowest wins.
public enum CacheScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case principal, tenant, global

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}
