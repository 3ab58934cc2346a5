import Crypto
import Support

/// A body's SHA-256 and length, computed as the body goes by, for `hash` capture of answers the gateway
/// relays piece by piece (streams): the record gets the same digest as hashing the whole body at once,
/// without the gateway keeping the body.
public struct ContentDigest: Sendable, Hashable {
    public var sha256Hex: String
    public var bytes: Int

    public init(sha256Hex: String, bytes: Int) {
        self.sha256Hex = sha256Hex
        self.bytes = bytes
    }

    /// Feeds bytes in order; `digest` is the digest of everything fed.
    public struct Hasher: Sendable {
        private var hash = SHA256()
        private var count = 0

        public init() {}

        public mutating func update(_ bytes: [UInt8]) {
            hash.update(data: bytes)
            count += bytes.count
        }

        public var digest: ContentDigest {
            ContentDigest(sha256Hex: Hex.encode(hash.finalize()), bytes: count)
        }
    }
}
