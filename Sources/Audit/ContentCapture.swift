import Core
import Crypto
import Foundation

/// Turns request and response bodies into what the configured mode keeps: digests, the redacted bodies,
/// or the bodies sealed under the subject's key. Returns the summary that goes into the hashed record and
/// the bytes stored beside it.
struct ContentCapture: Sendable {
    let mode: ContentMode

    /// The stored form of redacted or encrypted content before sealing: JSON `{"request","response"}`
    /// with base64 bodies.
    struct Envelope: Codable {
        var request: Data?
        var response: Data?
    }

    /// `responseDigest` stands in for `response` in `hash` mode (a body hashed as it went by); the other
    /// modes need the body itself.
    func capture(
        request: [UInt8]?, response: [UInt8]?, responseDigest: ContentDigest? = nil, trailID: String,
        subjectKey: (id: String, key: SymmetricKey)?
    ) throws -> (summary: CapturedContent?, stored: [UInt8]?) {
        // An empty body is no body (refusals carry none).
        let request = request?.isEmpty == false ? request : nil
        let response = response?.isEmpty == false ? response : nil
        let digest = mode == .hash && response == nil && (responseDigest?.bytes ?? 0) > 0 ? responseDigest : nil
        if request == nil && response == nil && digest == nil { return (nil, nil) }
        var summary = CapturedContent(
            mode: mode, requestSHA256: nil, responseSHA256: nil, requestBytes: request?.count,
            responseBytes: response?.count ?? digest?.bytes, contentSHA256: nil, keyID: nil)
        switch mode {
        case .none:
            return (nil, nil)
        case .hash:
            summary.requestSHA256 = request.map(CanonicalEncoding.sha256Hex)
            summary.responseSHA256 = response.map(CanonicalEncoding.sha256Hex) ?? digest?.sha256Hex
            return (summary, nil)
        case .redacted:
            let stored = try Self.envelope(request: request, response: response)
            summary.contentSHA256 = CanonicalEncoding.sha256Hex(stored)
            return (summary, stored)
        case .encrypted:
            guard let subjectKey else { throw AuditError.invalidContentKey("no subject key for encrypted content") }
            let plain = try Self.envelope(request: request, response: response)
            let sealed = try AES.GCM.seal(plain, using: subjectKey.key, authenticating: Data(trailID.utf8))
            guard let combined = sealed.combined else { throw AuditError.invalidContentKey("cannot seal content") }
            let stored = Array(combined)
            summary.contentSHA256 = CanonicalEncoding.sha256Hex(stored)
            summary.keyID = subjectKey.id
            return (summary, stored)
        }
    }

    static func envelope(request: [UInt8]?, response: [UInt8]?) throws -> [UInt8] {
        var o: [String: JSONValue] = [:]
        o["request"] = request.map { .string(Data($0).base64EncodedString()) }
        o["response"] = response.map { .string(Data($0).base64EncodedString()) }
        return JSONValue.object(o).serialized()
    }

    /// Opens stored content: the envelope itself (redacted) or after decryption (encrypted; the trail id
    /// is the associated data, so a ciphertext cannot be moved to another record).
    static func open(stored: [UInt8], key: SymmetricKey?, trailID: String) throws -> Envelope {
        var plain = Data(stored)
        if let key {
            let box = try AES.GCM.SealedBox(combined: plain)
            plain = try AES.GCM.open(box, using: key, authenticating: Data(trailID.utf8))
        }
        return try JSONDecoder().decode(Envelope.self, from: plain)
    }
}

/// Per-subject content keys for `encrypted` mode: random AES-256 keys, one per principal (issuer and
/// subject, `AuditPrincipal.id`: the same `sub` at two issuers is two people), stored wrapped (AES-GCM)
/// under the master key, so deleting a subject's row crypto-shreds everything sealed for them.
///
/// Unwrapped keys are cached for `cacheSeconds`; after `audit erase` a running gateway may seal for at
/// most that long under the erased key — that content is then unreadable too (over-erasure, never
/// under-erasure), and the next lookup creates a fresh key.
actor SubjectKeyring {
    let store: any AuditStore
    let master: SymmetricKey
    let cacheSeconds: Double
    private var cache: [String: (id: String, key: SymmetricKey, at: ContinuousClock.Instant)] = [:]

    init(store: any AuditStore, master: SymmetricKey, cacheSeconds: Double = 10) {
        self.store = store
        self.master = master
        self.cacheSeconds = cacheSeconds
    }

    /// Reads a master key: base64 of exactly 32 bytes.
    static func masterKey(_ text: String) throws -> SymmetricKey {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32 else {
            throw AuditError.invalidContentKey("expected base64 of 32 random bytes")
        }
        return SymmetricKey(data: raw)
    }

    static func aad(_ id: String, _ subject: String) -> Data { Data("portcullis-audit-key\n\(id)\n\(subject)".utf8) }

    static func unwrap(_ k: WrappedSubjectKey, master: SymmetricKey) throws -> SymmetricKey {
        let box = try AES.GCM.SealedBox(combined: Data(k.wrapped))
        return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: aad(k.keyID, k.subject)))
    }

    /// The key of `subject` (a principal id), created on first use.
    func key(for subject: String) async throws -> (id: String, key: SymmetricKey) {
        let now = ContinuousClock.now
        if let c = cache[subject], now - c.at < .seconds(cacheSeconds) { return (c.id, c.key) }
        // Not tied to the caller's cancellation: a client that disconnects must still get its end record.
        return try await Task { try await load(subject, now) }.value
    }

    private func load(_ subject: String, _ now: ContinuousClock.Instant) async throws -> (id: String, key: SymmetricKey) {
        let stored: WrappedSubjectKey
        if let existing = try await store.subjectKey(subject: subject) {
            stored = existing
        } else {
            let fresh = SymmetricKey(size: .bits256)
            let id = UUID().uuidString.lowercased()
            let wrapped = try AES.GCM.seal(
                fresh.withUnsafeBytes { Data($0) }, using: master, authenticating: Self.aad(id, subject))
            guard let combined = wrapped.combined else { throw AuditError.invalidContentKey("cannot wrap key") }
            stored = try await store.insertSubjectKey(WrappedSubjectKey(keyID: id, subject: subject, wrapped: Array(combined)))
        }
        let key = try Self.unwrap(stored, master: master)
        cache[subject] = (stored.keyID, key, now)
        return (stored.keyID, key)
    }
}
