/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's `crc32`) with a 256-entry table.
/// Hand-written because no mirrored package exposes one (swift-nio's is internal to its compression
/// module); the event-stream framing needs it for its prelude and message checksums.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum of `bytes`, continuing from `crc` (the checksum of what came before; 0 to start).
    static func checksum(_ bytes: some Sequence<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        table.withUnsafeBufferPointer { t in
            for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        }
        return ~c
    }
}
