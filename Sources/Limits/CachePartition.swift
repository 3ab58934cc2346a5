import Core

/// The part of the cache a request reads and writes: who may be served its cached answer. The default is the
/// principal alone; a policy obligation (`cacheScope`) may widen it to the principal's tenant or to everyone.
/// The partition is part of the cache key as an exact value, so answers of different partitions can never be
/// confused.
public struct CachePartition: Hashable, Sendable, CustomStringConvertible {
    public let kind: CacheScope
    /// Unambiguous owner: the length-prefixed issuer and subject, the length-prefixed issuer and tenant, or
    /// empty for global. A tenant is only a tenant of its issuer: a partner IdP asserting the same `tid` or
    /// `hd` as the staff IdP is another scope.
    public let owner: String

    public static func principal(_ p: Principal) -> CachePartition {
        CachePartition(kind: .principal, owner: Caller.key(p))
    }

    public static func tenant(_ tenant: String, issuer: String) -> CachePartition {
        CachePartition(kind: .tenant, owner: Caller.qualified(issuer, tenant))
    }

    public static let global = CachePartition(kind: .global, owner: "")

    /// The widest scope the obligations permit for this principal: `tenant` (of the principal's issuer) only
    /// when the policy says so and the principal has a tenant, `global` only when the policy says so; the principal otherwise.
    public static func permitted(for p: Principal, obligations: Obligations) -> CachePartition {
        switch obligations.cacheScope {
        case .global?: return .global
        case .tenant?:
            if let t = p.tenant, !t.isEmpty { return .tenant(t, issuer: p.issuer) }
            return .principal(p)
        case .principal?, nil: return .principal(p)
        }
    }

    /// The kind only (`principal`, `tenant`, `global`), safe for logs and audit.
    public var description: String { kind.rawValue }
}
