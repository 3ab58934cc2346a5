import Foundation
import Logging

extension AuditTrail {
    /// The signing key from `signing_key`, or `<db dir>/audit-signing.key`, created when missing.
    static func loadSigner(_ configuration: AuditConfiguration, logger: Logger) throws -> CheckpointSigner {
        if let ref = configuration.signingKey {
            return try CheckpointSigner(name: configuration.origin, keyText: try ref.resolve())
        }
        let path = defaultSigningKeyPath(forDatabase: configuration.path)
        if !FileManager.default.fileExists(atPath: path) {
            try CheckpointSigner.generateKeyFile(at: path)
            logger.warning(
                "audit.signing_key not set: generated a checkpoint signing key next to the database; configure one for production",
                metadata: ["path": "\(path)"])
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw AuditError.invalidSigningKey("cannot read \(path)")
        }
        return try CheckpointSigner(name: configuration.origin, keyText: text)
    }

    /// `<directory of the database>/audit-signing.key`.
    public static func defaultSigningKeyPath(forDatabase path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "" : dir + "/") + "audit-signing.key"
    }

    /// Keeps every verifier key the log was ever signed with in the store's metadata (`public_keys`,
    /// one per line), so `audit verify` without `--public-key` can check old checkpoints after a key
    /// rotation. Self-asserted keys prove consistency only; pass the key you trust with `--public-key`.
    static func recordPublicKey(_ vkey: String, store: any AuditStore, logger: Logger) async throws {
        let known = try await store.metadata("public_keys")?.split(separator: "\n").map(String.init) ?? []
        guard !known.contains(vkey) else { return }
        if !known.isEmpty { logger.warning("audit checkpoint signing key changed", metadata: ["public_key": "\(vkey)"]) }
        try await store.setMetadata("public_keys", (known + [vkey]).joined(separator: "\n"))
    }
}
