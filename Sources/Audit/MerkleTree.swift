import Crypto

/// RFC 6962 (Certificate Transparency) Merkle tree hashing over SHA-256.
/// Written by hand: no package in our mirror implements RFC 6962 trees and proofs; the code follows
/// RFC 6962 §2.1 / RFC 9162 §2.1 and is tested against the published CT test vectors.
public enum MerkleTree {
    public typealias Hash = [UInt8]

    /// MTH of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// Leaf hash: SHA-256(0x00 || data).
    public static func leafHash(_ data: some Sequence<UInt8>) -> Hash {
        var h = SHA256()
        h.update(data: [0x00])
        h.update(data: Array(data))
        return Array(h.finalize())
    }

    /// Interior node: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var h = SHA256()
        h.update(data: [0x01])
        h.update(data: left)
        h.update(data: right)
        return Array(h.finalize())
    }

    /// Largest power of two strictly less than n (n >= 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[n]) over already-hashed leaves.
    public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let k = split(leaves.count)
            let mid = leaves.startIndex + k
            return nodeHash(root(leaves[leaves.startIndex..<mid]), root(leaves[mid...]))
        }
    }

    public static func root(_ leaves: [Hash]) -> Hash { root(leaves[...]) }

    /// PATH(m, D[n]): the audit path for leaf `index` in the tree of `leaves`.
    public static func inclusionProof(index: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(index >= 0 && index < leaves.count, "leaf index out of range")
        if leaves.count == 1 { return [] }
        let k = split(leaves.count)
        let mid = leaves.startIndex + k
        if index < k {
            return inclusionProof(index: index, leaves: leaves[leaves.startIndex..<mid]) + [root(leaves[mid...])]
        }
        return inclusionProof(index: index - k, leaves: leaves[mid...]) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leafHash: Hash, index: Int, treeSize: Int, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < treeSize, leafHash.count == 32, root.count == 32 else { return false }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            guard p.count == 32, sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// PROOF(m, D[n]): consistency proof between the first `oldSize` leaves and all of `leaves`.
    public static func consistencyProof(oldSize: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(oldSize >= 0 && oldSize <= leaves.count, "sizes out of range")
        if oldSize == 0 || oldSize == leaves.count { return [] }
        return subproof(m: oldSize, leaves: leaves, complete: true)
    }

    private static func subproof(m: Int, leaves: ArraySlice<Hash>, complete: Bool) -> [Hash] {
        let n = leaves.count
        if m == n { return complete ? [] : [root(leaves)] }
        let k = split(n)
        let mid = leaves.startIndex + k
        if m <= k {
            return subproof(m: m, leaves: leaves[leaves.startIndex..<mid], complete: complete) + [root(leaves[mid...])]
        }
        return subproof(m: m - k, leaves: leaves[mid...], complete: false) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Checks a consistency proof (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: Hash, newRoot: Hash, proof: [Hash]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize, oldRoot.count == 32, newRoot.count == 32 else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard !proof.isEmpty, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }  // exact power of two
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

/// The right edge of a growing Merkle tree: the roots of its perfect subtrees, largest first. Appending
/// is O(log n) and the root of the current size is O(log n), so the trail can sign a checkpoint at any
/// moment without re-reading the log.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: Int = 0
    /// (height, hash) of each perfect subtree, left to right.
    private var nodes: [(height: Int, hash: MerkleTree.Hash)] = []

    public init() {}

    public mutating func append(leafHash: MerkleTree.Hash) {
        var node = (height: 0, hash: leafHash)
        while let last = nodes.last, last.height == node.height {
            nodes.removeLast()
            node = (last.height + 1, MerkleTree.nodeHash(last.hash, node.hash))
        }
        nodes.append(node)
        size += 1
    }

    public var root: MerkleTree.Hash {
        guard var r = nodes.last?.hash else { return MerkleTree.emptyRoot }
        for n in nodes.dropLast().reversed() { r = MerkleTree.nodeHash(n.hash, r) }
        return r
    }

    /// The subtree roots concatenated, largest first: their heights follow from `size` (one subtree per set
    /// bit), so this and the size are the whole state — what a shared store keeps with its chain head.
    public var serialized: [UInt8] { nodes.flatMap(\.hash) }

    /// The frontier of a tree of `size` leaves from `serialized`; nil when the bytes do not fit the size.
    public init?(size: Int, serialized: [UInt8]) {
        guard size >= 0 else { return nil }
        var heights: [Int] = []
        for bit in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << bit) != 0 { heights.append(bit) }
        guard serialized.count == heights.count * 32 else { return nil }
        self.size = size
        nodes = heights.enumerated().map { i, h in (h, Array(serialized[(i * 32)..<(i * 32 + 32)])) }
    }

    public static func == (a: MerkleFrontier, b: MerkleFrontier) -> Bool {
        a.size == b.size && a.nodes.map(\.hash) == b.nodes.map(\.hash)
    }
}
