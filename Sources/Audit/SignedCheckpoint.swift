import Crypto
import Foundation
import Support

/// A signed statement "the log named `origin` had `treeSize` records with Merkle root `rootHash`", in the
/// C2SP signed-note format (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint):
///
///     portcullis.audit
///     1024
///     <base64 root hash>
///
///     — portcullis.audit <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>
///
/// The signature covers the body: the three lines including the final newline.
public struct SignedCheckpoint: Sendable, Hashable {
    public let origin: String
    public let treeSize: Int
    public let rootHash: [UInt8]
    /// The whole note, as served on `GET /audit/checkpoint` and stored in the database.
    public let text: String

    /// The signed body: origin, size, root, each followed by a newline.
    public static func body(origin: String, treeSize: Int, rootHash: [UInt8]) -> String {
        "\(origin)\n\(treeSize)\n\(Data(rootHash).base64EncodedString())\n"
    }

    init(origin: String, treeSize: Int, rootHash: [UInt8], text: String) {
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.text = text
    }

    /// Parses a note and checks its signature against `key`. Throws `AuditError.invalidCheckpoint`
    /// naming what is wrong.
    public static func parse(_ text: String, verifyingWith key: CheckpointVerifier) throws -> SignedCheckpoint {
        guard let sep = text.range(of: "\n\n") else { throw AuditError.invalidCheckpoint("no blank line before signatures") }
        let body = String(text[..<sep.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3, let size = Int(lines[lines.startIndex + 1]), size >= 0,
            let root = Data(base64Encoded: String(lines[lines.startIndex + 2])), root.count == 32
        else { throw AuditError.invalidCheckpoint("body is not origin / tree size / base64 root hash") }
        let origin = String(lines[lines.startIndex])
        let sigLines = text[sep.upperBound...].split(separator: "\n")
        var sawKey = false
        for line in sigLines {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "—", String(parts[1]) == key.name,
                let blob = Data(base64Encoded: String(parts[2])), blob.count == 68
            else { continue }
            guard Array(blob.prefix(4)) == key.keyID else { continue }
            sawKey = true
            if key.publicKey.isValidSignature(blob.dropFirst(4), for: Data(body.utf8)) {
                return SignedCheckpoint(origin: origin, treeSize: size, rootHash: Array(root), text: text)
            }
        }
        throw AuditError.invalidCheckpoint(sawKey ? "bad signature" : "no signature by key \(key.name)")
    }
}

/// C2SP key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key), 0x01 = Ed25519.
func noteKeyID(name: String, publicKey: [UInt8]) -> [UInt8] {
    var h = SHA256()
    h.update(data: Array(name.utf8) + [0x0A, 0x01] + publicKey)
    return Array(h.finalize().prefix(4))
}

/// Signs checkpoints with the Ed25519 key named by `audit.signing_key`.
public struct CheckpointSigner: Sendable {
    public let name: String
    let privateKey: Curve25519.Signing.PrivateKey
    public let keyID: [UInt8]

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.privateKey = privateKey
        self.keyID = noteKeyID(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// Reads a key from the text of a secret: base64 of the raw 32-byte seed, or a PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm ed25519` writes).
    public init(name: String, keyText: String) throws {
        self.init(name: name, privateKey: try Self.parseKey(keyText))
    }

    static func parseKey(_ text: String) throws -> Curve25519.Signing.PrivateKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var seed: Data
        if trimmed.hasPrefix("-----BEGIN PRIVATE KEY-----") {
            let b64 = trimmed.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            guard let der = Data(base64Encoded: b64) else { throw AuditError.invalidSigningKey("PEM body is not base64") }
            // PKCS#8 for Ed25519 (RFC 8410) is a fixed 16-byte prefix then the 32-byte seed; parsed by hand
            // because swift-crypto offers no PEM form for Curve25519 keys.
            let prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
            guard der.count == 48, Array(der.prefix(16)) == prefix else {
                throw AuditError.invalidSigningKey("PEM is not an Ed25519 PKCS#8 private key")
            }
            seed = der.suffix(32)
        } else {
            guard let raw = Data(base64Encoded: trimmed) else {
                throw AuditError.invalidSigningKey("expected base64 of a 32-byte seed or a PKCS#8 PEM")
            }
            seed = raw
        }
        guard seed.count == 32 else { throw AuditError.invalidSigningKey("seed must be 32 bytes, got \(seed.count)") }
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
            throw AuditError.invalidSigningKey("not an Ed25519 seed")
        }
    }

    /// Writes a fresh key (base64 seed, mode 0600) to `path`, creating directories. Used by `demo` and by
    /// the trail when no key is configured.
    public static func generateKeyFile(at path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let key = Curve25519.Signing.PrivateKey()
        let text = key.rawRepresentation.base64EncodedString() + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AuditError.invalidSigningKey("cannot write \(path)")
        }
    }

    public var verifier: CheckpointVerifier {
        CheckpointVerifier(name: name, publicKey: privateKey.publicKey)
    }

    public func sign(treeSize: Int, rootHash: [UInt8]) throws -> SignedCheckpoint {
        let body = SignedCheckpoint.body(origin: name, treeSize: treeSize, rootHash: rootHash)
        let sig = try privateKey.signature(for: Data(body.utf8))
        let blob = Data(keyID + Array(sig)).base64EncodedString()
        return SignedCheckpoint(origin: name, treeSize: treeSize, rootHash: rootHash, text: body + "\n— \(name) \(blob)\n")
    }
}

/// A checkpoint public key in the C2SP verifier-key form `<name>+<hex key id>+<base64(0x01 || key)>`,
/// as served on `GET /audit/public-key` and read by `audit verify --public-key FILE`.
public struct CheckpointVerifier: Sendable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey
    public var keyID: [UInt8] { noteKeyID(name: name, publicKey: Array(publicKey.rawRepresentation)) }

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public init(verifierKey text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let raw = Data(base64Encoded: String(parts[2])), raw.count == 33, raw.first == 0x01,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { throw AuditError.invalidPublicKey("expected <name>+<key id hex>+<base64(0x01||ed25519 key)>") }
        self.init(name: String(parts[0]), publicKey: key)
        let hexID = Hex.encode(keyID)
        guard hexID == parts[1].lowercased() else { throw AuditError.invalidPublicKey("key id does not match the key") }
    }

    public var verifierKey: String {
        let hexID = Hex.encode(keyID)
        return "\(name)+\(hexID)+\(Data([0x01] + Array(publicKey.rawRepresentation)).base64EncodedString())"
    }
}
