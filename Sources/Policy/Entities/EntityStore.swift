/// One entity: attributes, tags, and all ancestors (the transitive closure of its parents).
/// A class, so that lookups during evaluation share it instead of copying its fields.
public final class Entity: Sendable {
    public let uid: EntityUID
    public let attributes: CedarRecord
    public let tags: CedarRecord
    /// Direct parents, as given.
    public let parents: [EntityUID]
    /// Every entity this one is `in`, transitively (excluding itself).
    public let ancestors: AncestorSet

    public init(
        uid: EntityUID, attributes: CedarRecord = .empty, parents: [EntityUID] = [],
        tags: CedarRecord = .empty, ancestors: [EntityUID]? = nil
    ) {
        self.uid = uid
        self.attributes = attributes
        self.tags = tags
        self.parents = parents
        self.ancestors = AncestorSet(ancestors ?? parents)
    }
}

/// The ancestors of an entity: a short array scanned with precomputed-hash equality, plus a hash
/// index when it is long.
public struct AncestorSet: Sendable {
    public let members: [EntityUID]
    private let index: Set<EntityUID>?

    init(_ uids: [EntityUID]) {
        if uids.count <= 16 {
            var unique: [EntityUID] = []
            unique.reserveCapacity(uids.count)
            for u in uids where !unique.contains(u) { unique.append(u) }
            members = unique
            index = nil
        } else {
            var unique: [EntityUID] = []
            var seen = Set<EntityUID>()
            for u in uids where seen.insert(u).inserted { unique.append(u) }
            members = unique
            index = unique.count > 16 ? seen : nil
        }
    }

    public var isEmpty: Bool { members.isEmpty }

    @inline(__always)
    public func contains(_ uid: EntityUID) -> Bool {
        if let index { return index.contains(uid) }
        return members.contains(uid)
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
            closed[uid] = Entity(uid: uid, attributes: e.attributes, parents: e.parents, tags: e.tags, ancestors: Array(seen))
        }
        return closed
    }

    public subscript(uid: EntityUID) -> Entity? { entities[uid] }

    /// All ancestors of `uid` (empty for unknown entities).
    public func ancestors(of uid: EntityUID) -> [EntityUID] { entities[uid]?.ancestors.members ?? [] }

    /// Adds entities, whose parents may be in this store; their ancestors are closed over the store.
    /// Entities already present are replaced.
    public func adding(_ list: [Entity]) -> EntityStore {
        var copy = entities
        for e in list {
            var anc = e.parents
            for p in e.parents { anc += entities[p]?.ancestors.members ?? [] }
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
