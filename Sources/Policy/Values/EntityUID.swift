/// A Cedar entity reference `Type::"id"`; `type` may be namespaced (`Ns::Type`).
/// The hash is computed once at creation: uids are hashed on every `in` test of a decision.
public struct EntityUID: Sendable, Hashable, CustomStringConvertible {
    public let type: String
    public let id: String
    private let precomputedHash: Int

    public init(type: String, id: String) {
        self.type = type
        self.id = id
        var hasher = Hasher()
        hasher.combine(type)
        hasher.combine(id)
        precomputedHash = hasher.finalize()
    }

    public static func == (lhs: EntityUID, rhs: EntityUID) -> Bool {
        lhs.precomputedHash == rhs.precomputedHash && lhs.id == rhs.id && lhs.type == rhs.type
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(precomputedHash) }

    /// Cedar syntax, `Type::"id"` with the id escaped.
    public var description: String { "\(type)::\"\(CedarString.escape(id))\"" }
}
