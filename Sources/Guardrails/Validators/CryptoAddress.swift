/// Checks of cryptocurrency wallet addresses: Base58Check (Bitcoin P2PKH/P2SH) and Bech32/Bech32m
/// (SegWit). Written by hand: the Guardrails module has no crypto dependency and these are short,
/// fixed algorithms (BIP-173, BIP-350); SHA-256 comes from `SHA256Digest`.
enum CryptoAddress {
    private static let base58Alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let base58Index: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in base58Alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Base58Check: decodes, verifies the 4-byte double-SHA-256 checksum and a 25-byte payload.
    static func base58Check(_ text: Substring) -> Bool {
        var bytes: [UInt8] = []
        for c in text.utf8 {
            guard c < 128, base58Index[Int(c)] >= 0 else { return false }
            var carry = Int(base58Index[Int(c)])
            for i in stride(from: bytes.count - 1, through: 0, by: -1) {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        let leadingZeros = text.utf8.prefix { $0 == UInt8(ascii: "1") }.count
        let decoded = [UInt8](repeating: 0, count: leadingZeros) + bytes
        guard decoded.count == 25 else { return false }
        let payload = Array(decoded[0..<21])
        let check = SHA256Digest.hash(SHA256Digest.hash(payload))
        return Array(check[0..<4]) == Array(decoded[21..<25])
    }

    private static let bech32Charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// Bech32 (BIP-173) or Bech32m (BIP-350) with human-readable part `bc`/`tb`/`ltc`.
    static func bech32(_ text: Substring) -> Bool {
        let lower = Array(text.lowercased().utf8)
        guard lower.count >= 14, lower.count <= 90, let sep = lower.lastIndex(of: UInt8(ascii: "1")) else { return false }
        let hrp = Array(lower[..<sep])
        var values: [UInt32] = []
        for c in lower[(sep + 1)...] {
            guard let v = bech32Charset.firstIndex(of: c) else { return false }
            values.append(UInt32(v))
        }
        guard values.count >= 6 else { return false }
        var expanded = hrp.map { UInt32($0 >> 5) }
        expanded.append(0)
        expanded += hrp.map { UInt32($0 & 31) }
        let polymod = polymod(expanded + values)
        return polymod == 1 || polymod == 0x2bc8_30a3
    }

    private static func polymod(_ values: [UInt32]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = ((chk & 0x1ff_ffff) << 5) ^ v
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }
}
