import Core
import Crypto

extension DPoPVerifier {
    /// RFC 8705 §3.1 `x5t#S256`: base64url (no padding) of SHA-256 over the DER bytes of a client certificate,
    /// the value a certificate-bound token names in `cnf`. Pure: no parsing, no trust decision.
    public static func certificateThumbprint(der: [UInt8]) -> String {
        Base64URL.encode(Array(SHA256.hash(data: der)))
    }
}
