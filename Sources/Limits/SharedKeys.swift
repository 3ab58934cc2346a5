import Crypto

/// The keys limits and cache rows have in the shared database: SHA-256 over a length-prefixed encoding of a
/// key's parts, so the database holds no identity name in clear and every key has one fixed size. The cache
/// also stores the full encoding and compares it on every hit: a hash alone never decides.
enum SharedKeys {
    /// Appends `text` as a 4-byte big-endian length and its UTF-8 bytes.
    static func append(_ text: String, to bytes: inout [UInt8]) {
        append(Array(text.utf8), to: &bytes)
    }

    static func append(_ part: [UInt8], to bytes: inout [UInt8]) {
        let n = UInt32(clamping: part.count)
        bytes += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        bytes += part
    }

    static func digest(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    static func bucket(_ key: BucketKey) -> [UInt8] {
        var b: [UInt8] = [0x01, key.kind.rawValue]
        append(String(key.requestLimit), to: &b)
        append(String(key.tokenLimit), to: &b)
        append(key.name.issuer, to: &b)
        append(key.name.text, to: &b)
        append(key.model.issuer, to: &b)
        append(key.model.text, to: &b)
        return digest(b)
    }

    static func ledger(_ key: LedgerKey) -> [UInt8] {
        var b: [UInt8] = [0x02]
        append(key.scope.rawValue, to: &b)
        append(key.period.rawValue, to: &b)
        append(String(key.index), to: &b)
        append(key.name.issuer, to: &b)
        append(key.name.text, to: &b)
        if let tool = key.tool {  // after every part of a spend account's key: the two never meet
            append(tool.issuer, to: &b)
            append(tool.text, to: &b)
        }
        return digest(b)
    }

    /// The full encoding of a cache key (scope, owner, model, operation, request bytes).
    static func cache(_ key: CacheKey) -> [UInt8] {
        var b: [UInt8] = [0x03]
        append(key.scope.kind.rawValue, to: &b)
        append(key.scope.owner, to: &b)
        append(key.model, to: &b)
        append(key.operation.rawValue, to: &b)
        append(key.request, to: &b)
        return b
    }
}
