import Foundation
import Testing

@testable import Audit

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

/// RFC 6962 test vectors, as published with the Certificate Transparency reference implementations.
@Suite struct MerkleTreeTests {
    static let entries = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex)
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hex)
    var leaves: [[UInt8]] { Self.entries.map(MerkleTree.leafHash) }

    @Test func rootsMatchRFC6962ForEverySize() {
        for n in 0...8 {
            #expect(MerkleTree.root(Array(leaves.prefix(n))) == Self.roots[n], "size \(n)")
            var f = MerkleFrontier()
            for l in leaves.prefix(n) { f.append(leafHash: l) }
            #expect(f.root == Self.roots[n], "frontier size \(n)")
        }
    }

    @Test func inclusionProofsMatchPublishedVectors() {
        let cases: [(Int, Int, [String])] = [
            (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for (index, size, expected) in cases {
            let proof = MerkleTree.inclusionProof(index: index, leaves: leaves.prefix(size))
            #expect(proof == expected.map(hex))
            #expect(MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, treeSize: size, proof: proof, root: Self.roots[size]))
        }
    }

    @Test func consistencyProofsMatchPublishedVectors() {
        let cases: [(Int, Int, [String])] = [
            (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for (m, n, expected) in cases {
            let proof = MerkleTree.consistencyProof(oldSize: m, leaves: leaves.prefix(n))
            #expect(proof == expected.map(hex))
            #expect(MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: Self.roots[m], newRoot: Self.roots[n], proof: proof))
        }
    }

    @Test func everyProofVerifiesAndMangledProofsFail() {
        let many = (0..<40).map { MerkleTree.leafHash([UInt8($0), UInt8(truncatingIfNeeded: $0 &* 7)]) }
        for n in 1...many.count {
            let root = MerkleTree.root(Array(many.prefix(n)))
            for i in 0..<n {
                let proof = MerkleTree.inclusionProof(index: i, leaves: many.prefix(n))
                #expect(MerkleTree.verifyInclusion(leafHash: many[i], index: i, treeSize: n, proof: proof, root: root))
                if !proof.isEmpty {
                    var bad = proof
                    bad[bad.count - 1][3] ^= 0x01
                    #expect(!MerkleTree.verifyInclusion(leafHash: many[i], index: i, treeSize: n, proof: bad, root: root))
                    #expect(!MerkleTree.verifyInclusion(leafHash: many[i], index: i, treeSize: n, proof: proof.dropLast(), root: root))
                }
                #expect(!MerkleTree.verifyInclusion(leafHash: many[(i + 1) % 40], index: i, treeSize: n, proof: proof, root: root))
            }
            for m in 0...n {
                let proof = MerkleTree.consistencyProof(oldSize: m, leaves: many.prefix(n))
                let old = MerkleTree.root(Array(many.prefix(m)))
                #expect(MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: old, newRoot: root, proof: proof))
                if m > 0 && m < n {
                    var bad = proof
                    bad[0][0] ^= 0x80
                    #expect(!MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: old, newRoot: root, proof: bad))
                }
            }
        }
    }
}
