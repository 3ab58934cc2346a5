#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The mock's one source of stable pseudo-random values: an FNV-1a 64 hash of some input seeds a SplitMix64
/// generator. Embeddings, thinking signatures and redacted-thinking data are pure functions of their input
/// through it (a test double needs stable output, not secrecy).
struct DeterministicBytes {
    /// FNV-1a 64 offset basis: the hash of no bytes.
    static let basis: UInt64 = 0xcbf2_9ce4_8422_2325

    private(set) var hash: UInt64 = Self.basis

    /// Feeds one byte into the hash.
    @inline(__always)
    mutating func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }

    /// Feeds the UTF-8 bytes of `text` into the hash.
    mutating func mix(_ text: some StringProtocol) {
        for byte in text.utf8 { mix(byte) }
    }

    /// A SplitMix64 generator seeded by the hash so far.
    var generator: SplitMix64 { SplitMix64(state: hash) }

    /// `count` bytes from the generator seeded by `seed`'s hash, as standard base64 (padded): the
    /// deterministic "opaque" strings of the Anthropic answers.
    static func base64(seed: some StringProtocol, count: Int) -> String {
        var input = DeterministicBytes()
        input.mix(seed)
        var generator = input.generator
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes.prefix(count)).base64EncodedString()
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for test vectors.
struct SplitMix64 {
    var state: UInt64

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
