import Core
import Foundation
import JWTKit

/// One issuer's public keys, built from a JWKS document once per fetch and immutable afterwards, so a request
/// verifies without locks, actor hops or allocations of keys. Each (kid, algorithm) pair holds the jwt-kit
/// algorithm object that checks signatures; the pairing is fixed here, never taken from the token, so a token
/// cannot choose HMAC over an RSA key or PSS over a PKCS#1 key.
struct VerificationKeys: Sendable {
    /// kid → algorithm name → verifier.
    let byKeyID: [String: [String: any JWTAlgorithm]]
    /// Keys published without a kid, by algorithm.
    let withoutKeyID: [String: [any JWTAlgorithm]]
    /// Keys skipped while loading, with the reason (no key material in the text).
    let skipped: [String]

    var isEmpty: Bool { byKeyID.isEmpty && withoutKeyID.isEmpty }
    var keyIDs: [String] { byKeyID.keys.sorted() }

    static let empty = VerificationKeys(byKeyID: [:], withoutKeyID: [:], skipped: [])

    /// Candidate verifiers for a token header, in the order to try.
    func verifiers(keyID: String?, algorithm: String) -> [any JWTAlgorithm] {
        if let keyID {
            return byKeyID[keyID]?[algorithm].map { [$0] } ?? []
        }
        // No kid: only keys published without a kid, or the single key for this algorithm.
        if let unnamed = withoutKeyID[algorithm], !unnamed.isEmpty { return unnamed }
        let named = byKeyID.values.compactMap { $0[algorithm] }
        return named.count == 1 ? named : []
    }

    func hasKey(keyID: String) -> Bool { byKeyID[keyID] != nil }

    struct Invalid: Error, CustomStringConvertible { let description: String }

    /// Builds the key set from a JWKS document, keeping only signature keys usable with `allowedAlgorithms`.
    static func load(jwks data: Data, allowedAlgorithms: Set<String>) async throws -> VerificationKeys {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: data),
            let keys = document["keys"]?.arrayValue
        else { throw Invalid(description: "not a JWKS document (no keys array)") }
        var byKeyID: [String: [String: any JWTAlgorithm]] = [:]
        var withoutKeyID: [String: [any JWTAlgorithm]] = [:]
        var skipped: [String] = []
        for (index, key) in keys.enumerated() {
            guard case .object(var fields) = key else { continue }
            let kid = fields["kid"]?.stringValue
            let label = kid.map { "kid \($0)" } ?? "key #\(index)"
            if let use = fields["use"]?.stringValue, use != "sig" { continue }
            if let ops = fields["key_ops"]?.arrayValue, !ops.contains(.string("verify")) { continue }
            if let kid, !KeyIDRule.isAcceptable(kid) {
                skipped.append("\(label): key id is not acceptable")
                continue
            }
            // A published private key is a leak at the IdP; holding it would let this process sign.
            if fields["d"] != nil || fields["p"] != nil || fields["k"] != nil {
                skipped.append("\(label): contains private or symmetric key material")
                continue
            }
            let candidates = candidateAlgorithms(fields).filter(allowedAlgorithms.contains)
            if candidates.isEmpty {
                skipped.append("\(label): no allowed algorithm for this key type")
                continue
            }
            if fields["kty"]?.stringValue == "RSA", (modulusBits(fields) ?? 0) < 2048 {
                skipped.append("\(label): RSA modulus shorter than 2048 bits")
                continue
            }
            for algorithm in candidates {
                fields["alg"] = .string(algorithm)
                fields["kid"] = .string(kid ?? "unnamed")
                do {
                    let verifier = try await verifier(for: .object(fields), algorithm: algorithm)
                    if let kid { byKeyID[kid, default: [:]][algorithm] = verifier }
                    else { withoutKeyID[algorithm, default: []].append(verifier) }
                } catch {
                    skipped.append("\(label) \(algorithm): unusable key")
                }
            }
        }
        return VerificationKeys(byKeyID: byKeyID, withoutKeyID: withoutKeyID, skipped: skipped)
    }

    /// jwt-kit turns the JWK into its verifier; the JWK carries exactly one `alg`, so the verifier is fixed.
    /// Shared with DPoP proofs (`DPoPKeyVerifiers`), whose key comes from the proof's `jwk` header.
    static func verifier(for jwk: JSONValue, algorithm: String) async throws -> any JWTAlgorithm {
        let json = String(decoding: try JSONEncoder().encode(jwk), as: UTF8.self)
        let parsed = try JWK(json: json)
        let collection = JWTKeyCollection()
        try await collection.add(jwk: parsed)
        let verifier = try await collection.getKey(for: parsed.keyIdentifier, alg: algorithm)
        guard verifier.name == algorithm else { throw Invalid(description: "algorithm mismatch") }
        return verifier
    }

    /// The algorithms a public JWK can verify, fixed by its key type and curve (and by its own `alg`, if any).
    static func candidateAlgorithms(_ fields: [String: JSONValue]) -> [String] {
        let byType: [String]
        switch (fields["kty"]?.stringValue, fields["crv"]?.stringValue) {
        case ("RSA", _): byType = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case ("EC", "P-256"): byType = ["ES256"]
        case ("EC", "P-384"): byType = ["ES384"]
        case ("EC", "P-521"): byType = ["ES512"]
        case ("OKP", "Ed25519"): byType = ["EdDSA"]
        default: byType = []
        }
        // A key that names its algorithm is used with that algorithm only.
        if let alg = fields["alg"]?.stringValue { return byType.contains(alg) ? [alg] : [] }
        return byType
    }

    static func modulusBits(_ fields: [String: JSONValue]) -> Int? {
        guard let n = fields["n"]?.stringValue, let bytes = Base64URL.decode(n) else { return nil }
        let significant = bytes.drop { $0 == 0 }
        guard let top = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}

/// `kid` is an opaque lookup key, never a path, query or command. Anything outside a conservative alphabet
/// (base64/base64url, hex, dotted names, URN-ish colons) or containing `..` is refused before any lookup.
enum KeyIDRule {
    static func isAcceptable(_ kid: String) -> Bool {
        let utf8 = kid.utf8
        guard !utf8.isEmpty, utf8.count <= 256, utf8.first != UInt8(ascii: "/") else { return false }
        var previous: UInt8 = 0
        return utf8.allSatisfy { c in
            defer { previous = c }
            if c == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return false }  // `..`
            return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
                || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
        }
    }
}
