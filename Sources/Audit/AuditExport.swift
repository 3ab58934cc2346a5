import Core
import Crypto
import Foundation

extension AuditCommandLine {
    public enum ExportFormat: String, Sendable, CaseIterable {
        case jsonl, ocsf
    }

    /// Parses `--since` / `--until`: an RFC 3339 time or a date (`2026-11-25`, midnight UTC).
    public static func parseTime(_ s: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s) { return d }
        if let d = try? Date.ISO8601FormatStyle().parse(s) { return d }
        return try? Date.ISO8601FormatStyle().year().month().day().parse(s)
    }

    /// `audit export --db PATH --format jsonl|ocsf [--since T] [--until T] [--principal SUB]`.
    /// `jsonl`: every record as hashed, plus `record_hash`. `ocsf`: one API Activity event per finished
    /// request (end, complete or aborted record), with identity and decision filled from its begin.
    public static func export(
        db: String, format: ExportFormat, since: Date? = nil, until: Date? = nil, principal: String? = nil,
        out: Output, err: Output
    ) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        // Every begin is kept until its end: an export reads the whole trail in order.
        var translation = OCSFTranslation(beginCapacity: .max)
        var after = 0
        do {
            while true {
                let page = try await store.records(after: after, limit: 5000)
                guard let last = page.last else { break }
                after = last.sequence
                for row in page {
                    var r = try OCSFTranslation.record(row)
                    if let since, r.time < since { continue }
                    if let until, r.time >= until { continue }
                    if let principal, !matches(r, principal) && !(r.principal == nil && translation.hasBegin(trailID: r.trailID)) { continue }
                    switch format {
                    case .jsonl:
                        guard case .object(var o) = try JSONDecoder().decode(JSONValue.self, from: Data(row.canonical)) else { continue }
                        o["record_hash"] = .string(Hex.encode(row.hash))
                        out(try jsonLine(.object(o)))
                    case .ocsf:
                        if r.phase == .begin {
                            translation.remember(begin: r)
                            continue
                        }
                        r = translation.completed(r)
                        if let principal, !matches(r, principal) { continue }
                        out(try OCSFTranslation.line(OCSFTranslation.event(r, row: row)))
                    }
                }
            }
            return 0
        } catch {
            err("export: \(error)")
            return 2
        }
    }

    static func matches(_ r: AuditRecord, _ principal: String) -> Bool {
        guard let p = r.principal else { return false }
        return p.subject == principal || "\(p.issuer)#\(p.subject)" == principal
    }

    /// `audit show ID --db PATH [--content-key REF]`: the records of one trail (ID = its trail id), or of
    /// every trail whose caller-given request id is ID, as JSON lines in sequence order; with the master
    /// content key, encrypted bodies are decrypted (or reported erased).
    public static func show(
        db: String, id: String, contentKey: SecretReference? = nil, out: Output, err: Output
    ) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            var rows = try await store.records(trailID: id)
            if rows.isEmpty { rows = try await store.records(requestID: id) }
            guard !rows.isEmpty else {
                err("no records with trail id or request id \(id)")
                return 1
            }
            let trails = Set(rows.map(\.trailID))
            if trails.count > 1 {
                err("request id \(id) was used by \(trails.count) trails (a client reused it); showing all (each record names its trail_id)")
            }
            let master = try contentKey.map { try SubjectKeyring.masterKey(try $0.resolve()) }
            for row in rows {
                guard case .object(var o) = try JSONDecoder().decode(JSONValue.self, from: Data(row.canonical)) else { continue }
                o["record_hash"] = .string(Hex.encode(row.hash))
                if let removed = row.contentRemoved { o["content_removed"] = .string(removed) }
                if let stored = row.content {
                    o["content_bodies"] = try await bodies(stored: stored, row: row, master: master, store: store)
                }
                out(try jsonLine(.object(o)))
            }
            return 0
        } catch {
            err("show: \(error)")
            return 2
        }
    }

    static func bodies(stored: [UInt8], row: StoredRecord, master: SymmetricKey?, store: any AuditStore) async throws -> JSONValue {
        let skeleton = try JSONDecoder().decode(RecordSkeleton.self, from: Data(row.canonical))
        var key: SymmetricKey?
        if skeleton.content?.mode == .encrypted {
            guard let master else { return "encrypted (pass --content-key to decrypt)" }
            guard let id = skeleton.content?.keyID, let wrapped = try await store.subjectKey(id: id) else {
                return "erased (the subject's content key was destroyed)"
            }
            key = try SubjectKeyring.unwrap(wrapped, master: master)
        }
        let env = try ContentCapture.open(stored: stored, key: key, trailID: row.trailID)
        let text = { (d: Data?) -> JSONValue in d.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null }
        return ["request": text(env.request), "response": text(env.response)]
    }
}
