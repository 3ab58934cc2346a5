/// One entity: attributes, tags, and all ancestors (the transitive closure of its parents).
public struct Entity: Sendable {
    public let uid: EntityUID
    public let attributes: [String: Value]
    public let tags: [String: Value]
    /// Direct parents, as given.
    public let parents: [EntityUID]
    /// Every entity this one is `in`, transitively (excluding itself).
    public let ancestors: Set<EntityUID>

    public init(
        uid: EntityUID, attributes: [String: Value] = [:], parents: [EntityUID] = [],
        tags: [String: Value] = [:], ancestors: Set<EntityUID>? = nil
    ) {
        self.uid = uid
        self.attributes = attributes
        self.tags = tags
        self.parents = parents
        self.ancestors = ancestors ?? Set(parents)
    }
}

/// Entities by uid, with the `in` relation precomputed at load (transitive closure), so a decision
/// only does set lookups.
public struct EntityStore: Sendable {
    public private(set) var entities: [EntityUID: Entity]

    public static let empty = EntityStore(closed: [:])

    private init(closed: [EntityUID: Entity]) { entities = closed }

    /// Builds the store and computes ancestors for every entity. Cycles are tolerated.
    public init(_ list: [Entity]) throws(EntityError) {
        var byUID: [EntityUID: Entity] = [:]
        for e in list {
            guard byUID[e.uid] == nil else { throw EntityError("duplicate entity entry `\(e.uid)`") }
            byUID[e.uid] = e
        }
        entities = Self.close(byUID)
    }

    static func close(_ byUID: [EntityUID: Entity]) -> [EntityUID: Entity] {
        var closed: [EntityUID: Entity] = [:]
        for (uid, e) in byUID {
            // Breadth-first walk of the parent graph; correct with cycles, fine for config-sized graphs.
            var seen: Set<EntityUID> = []
            var queue = e.parents
            while let next = queue.popLast() {
                guard seen.insert(next).inserted else { continue }
                queue.append(contentsOf: byUID[next]?.parents ?? [])
            }
            seen.remove(uid)
            closed[uid] = Entity(uid: uid, attributes: e.attributes, parents: e.parents, tags: e.tags, ancestors: seen)
        }
        return closed
    }

    public subscript(uid: EntityUID) -> Entity? { entities[uid] }

    /// All ancestors of `uid` (empty for unknown entities).
    public func ancestors(of uid: EntityUID) -> Set<EntityUID> { entities[uid]?.ancestors ?? [] }

    /// Adds entities, whose parents may be in this store; their ancestors are closed over the store.
    /// Entities already present are replaced.
    public func adding(_ list: [Entity]) -> EntityStore {
        var copy = entities
        for e in list {
            var anc = Set(e.parents)
            for p in e.parents { anc.formUnion(entities[p]?.ancestors ?? []) }
            copy[e.uid] = Entity(uid: e.uid, attributes: e.attributes, parents: e.parents, tags: e.tags, ancestors: anc)
        }
        return EntityStore(closed: copy)
    }
}

public struct EntityError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
