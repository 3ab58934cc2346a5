import Core
import Crypto

/// Stateless server nonces (RFC 9449 §8): `base64url(slot || HMAC-SHA256(key, slot)[0..<16])`, where `slot`
/// is `floor(now / lifetime)` as 8 bytes big-endian. A nonce is accepted during its slot and the next, so it
/// lives between one and two lifetimes; nothing is stored, and replicas sharing the key accept each other's
/// nonces. The MAC is compared in constant time. A nonce is not secret (it is sent in `DPoP-Nonce`); it only
/// proves that a proof was made recently with a value the server handed out.
struct DPoPNonces: Sendable {
    /// Bytes of a decoded nonce: the 8-byte slot and the 16-byte truncated MAC.
    static let byteCount = 24

    private let key: SymmetricKey
    private let lifetime: Double

    init(key: SymmetricKey, lifetimeSeconds: Int) {
        self.key = key
        self.lifetime = Double(max(1, lifetimeSeconds))
    }

    /// The nonce of the slot holding `now`.
    func current(now: Double) -> String {
        let slot = Self.bigEndian(slot(now))
        return Base64URL.encode(slot + mac(slot))
    }

    /// True for a nonce this key made in the slot of `now` or the one before.
    func accepts(_ nonce: String, now: Double) -> Bool {
        guard nonce.utf8.count == 32, let bytes = Base64URL.decode(nonce), bytes.count == Self.byteCount else {
            return false
        }
        let slotBytes = Array(bytes[0..<8])
        let given = slotBytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let current = slot(now)
        guard given == current || (current > 0 && given == current - 1) else { return false }
        return ConstantTime.equal(bytes[8...], mac(slotBytes))
    }

    private func slot(_ now: Double) -> UInt64 {
        let value = (now / lifetime).rounded(.down)
        guard value.isFinite, value > 0 else { return 0 }
        return value < 1.8e19 ? UInt64(value) : UInt64.max
    }

    private func mac(_ slot: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: slot, using: key).prefix(16))
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}
