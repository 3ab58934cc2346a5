import Core
import JWTKit

/// A DPoP proof JWT (RFC 9449 §4.2), parsed strictly but with its signature NOT yet verified (see
/// `verifySignature`). Splitting and decoding are `CompactToken`'s (strict base64url, strict JSON without
/// duplicate members); unlike an access token, the proof's key IS its `jwk` header.
///
/// Header: `typ` `dpop+jwt` (case-insensitive, `application/` prefix allowed), `alg` one of the configured
/// algorithms and one the key's type supports, `jwk` a public EC, RSA (≥ 2048 bits) or OKP key without any
/// private or symmetric member, no `crit`. Claims: `jti` a string of 1 to 512 bytes, `htm` and `htu`
/// strings, `iat` a number, `ath` and `nonce` strings when present. Anything else is refused as
/// `.invalidDPoPProof`; descriptions never echo the proof, the key or a claim value.
struct DPoPProof {
    /// Larger proofs are refused before parsing.
    static let maximumBytes = 8 * 1024
    static let maximumJTIBytes = 512
    /// JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    let token: CompactToken
    var algorithm: String { token.algorithm }
    /// The key's required members only (RFC 7638), from which its verifier is built.
    let publicKey: [String: JSONValue]
    /// RFC 7638 thumbprint of `publicKey` (the `jkt` a bound token names).
    let thumbprint: String
    let jti: String
    let htm: String
    let htu: String
    let iat: Double
    let ath: String?
    let nonce: String?

    init(_ proof: Substring, algorithms: Set<String>) throws(AuthenticationFailure) {
        guard proof.utf8.count <= Self.maximumBytes else { throw Self.invalid("the DPoP proof exceeds 8 KB") }
        let token: CompactToken
        do { token = try CompactToken(proof) } catch { throw Self.invalid("the DPoP proof is not a well-formed JWT") }
        let typ = token.type?.lowercased()
        guard typ == "dpop+jwt" || typ == "application/dpop+jwt" else {
            throw Self.invalid("the DPoP proof's typ is not dpop+jwt")
        }
        // `none`, HS* and anything not configured stop here, before the key is looked at.
        guard algorithms.contains(token.algorithm) else { throw Self.invalid("the DPoP proof's algorithm is not accepted") }
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; this verifier understands none.
        if token.header["crit"] != nil { throw Self.invalid("the DPoP proof carries a critical header extension") }
        guard case .object(let jwk)? = token.header["jwk"] else { throw Self.invalid("the DPoP proof has no jwk header") }
        let (publicKey, thumbprint) = try Self.publicKey(jwk, algorithm: token.algorithm)
        let claims = token.claims
        guard let jti = claims["jti"]?.stringValue, (1...Self.maximumJTIBytes).contains(jti.utf8.count) else {
            throw Self.invalid("the DPoP proof's jti is missing or not a string of 1 to 512 bytes")
        }
        guard let htm = claims["htm"]?.stringValue else { throw Self.invalid("the DPoP proof's htm is missing") }
        guard let htu = claims["htu"]?.stringValue else { throw Self.invalid("the DPoP proof's htu is missing") }
        guard let iatClaim = claims["iat"], let iat = TrustedIssuer.seconds(iatClaim) else {
            throw Self.invalid("the DPoP proof's iat is missing or not a number")
        }
        let ath = claims["ath"]
        if let ath, ath.stringValue == nil { throw Self.invalid("the DPoP proof's ath is not a string") }
        let nonce = claims["nonce"]
        if let nonce, nonce.stringValue == nil { throw Self.invalid("the DPoP proof's nonce is not a string") }
        self.token = token
        self.publicKey = publicKey
        self.thumbprint = thumbprint
        self.jti = jti
        self.htm = htm
        self.htu = htu
        self.iat = iat
        self.ath = ath?.stringValue
        self.nonce = nonce?.stringValue
    }

    /// True when `verifier` (built from `publicKey` for `algorithm`) accepts the signature over the proof's bytes.
    func verifySignature(_ verifier: any JWTAlgorithm) -> Bool {
        (try? verifier.verify(token.signature, signs: token.signingInput)) == true
    }

    /// The public key's required members and thumbprint; refuses private or symmetric keys, unknown key types,
    /// short RSA moduli and an algorithm the key type cannot verify (nor the key's own `alg`, if it names one).
    private static func publicKey(_ jwk: [String: JSONValue], algorithm: String) throws(AuthenticationFailure)
        -> ([String: JSONValue], String)
    {
        if privateMembers.contains(where: { jwk[$0] != nil }) || jwk["kty"]?.stringValue == "oct" {
            throw invalid("the DPoP proof's jwk must be a public key; it holds private or symmetric key material")
        }
        if let use = jwk["use"], use.stringValue != "sig" { throw invalid("the DPoP proof's jwk is not a signature key") }
        guard let publicKey = JWKThumbprint.requiredObject(jwk), let thumbprint = JWKThumbprint.sha256(publicKey) else {
            throw invalid("the DPoP proof's jwk is not a complete EC, RSA or OKP public key")
        }
        guard VerificationKeys.candidateAlgorithms(jwk).contains(algorithm) else {
            throw invalid("the DPoP proof's algorithm does not match its key type")
        }
        if publicKey["kty"]?.stringValue == "RSA", (VerificationKeys.modulusBits(publicKey) ?? 0) < 2048 {
            throw invalid("the DPoP proof's RSA key is shorter than 2048 bits")
        }
        return (publicKey, thumbprint)
    }

    static func invalid(_ description: String) -> AuthenticationFailure {
        AuthenticationFailure(.invalidDPoPProof, description)
    }
}
