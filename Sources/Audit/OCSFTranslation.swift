import Core
import Foundation

/// Stored records as OCSF events: the one translation behind `audit export --format ocsf` and the audit
/// streams (`audit.streams`). An end record carries what happened; who asked and what was decided may only
/// be on its begin, so the translation remembers begins (bounded) and fills ends from them.
public struct OCSFTranslation {
    private var begins: BoundedLRU<String, AuditRecord>

    /// - Parameter beginCapacity: begins remembered while their requests are in flight (the least recently
    ///   written are forgotten first; a forgotten begin is looked up again when its end comes).
    public init(beginCapacity: Int = 10_000) {
        begins = BoundedLRU(capacity: beginCapacity)
    }

    /// The record as hashed (its canonical encoding, decoded).
    public static func record(_ row: StoredRecord) throws -> AuditRecord {
        try CanonicalEncoding.decoder().decode(AuditRecord.self, from: Data(row.canonical))
    }

    /// The OCSF API Activity event of one record.
    public static func event(_ record: AuditRecord, row: StoredRecord) -> JSONValue {
        OCSFEvent.event(record, recordHash: Hex.encode(row.hash))
    }

    /// One event as a JSON line (sorted keys, no newline), exactly as `audit export --format ocsf` prints it.
    public static func line(_ event: JSONValue) throws -> String {
        try AuditCommandLine.jsonLine(event)
    }

    /// Keeps a begin until its end arrives.
    public mutating func remember(begin: AuditRecord) {
        begins.set(begin.trailID, begin)
    }

    /// Whether a begin of this trail is remembered.
    public mutating func hasBegin(trailID: String) -> Bool {
        begins.get(trailID) != nil
    }

    /// `record` with who asked and what was decided taken from its remembered begin (which is then forgotten).
    public mutating func completed(_ record: AuditRecord) -> AuditRecord {
        guard let begin = begins.remove(record.trailID) else { return record }
        return Self.filled(record, from: begin)
    }

    /// The event of every record, begins included (the streams send each record): an end, complete or
    /// aborted record is filled from its begin — remembered, or else read with `beginOf` (nil: not looked up).
    public mutating func event(
        _ row: StoredRecord, beginOf: ((String) async throws -> AuditRecord?)? = nil
    ) async throws -> JSONValue {
        var r = try Self.record(row)
        if r.phase == .begin {
            remember(begin: r)
        } else if let begin = begins.remove(r.trailID) {
            r = Self.filled(r, from: begin)
        } else if r.phase == .end, let beginOf, let begin = try await beginOf(r.trailID) {
            r = Self.filled(r, from: begin)
        }
        return Self.event(r, row: row)
    }

    /// An end record carries what happened; who asked and what was decided may only be on the begin.
    static func filled(_ end: AuditRecord, from begin: AuditRecord) -> AuditRecord {
        var r = end
        r.principal = r.principal ?? begin.principal
        r.clientIP = r.clientIP ?? begin.clientIP
        r.route = r.route ?? begin.route
        r.purpose = r.purpose ?? begin.purpose
        r.dataClassification = r.dataClassification ?? begin.dataClassification
        r.modelRequested = r.modelRequested ?? begin.modelRequested
        r.modelServed = r.modelServed ?? begin.modelServed
        r.provider = r.provider ?? begin.provider
        r.decision = r.decision ?? begin.decision
        r.obligations = r.obligations ?? begin.obligations
        if r.findings.isEmpty { r.findings = begin.findings }
        return r
    }
}

extension AuditStore {
    /// The begin record of a trail, if it has one (fills an end whose begin a translation no longer remembers).
    public func begin(ofTrail trailID: String) async throws -> AuditRecord? {
        guard let row = try await records(trailID: trailID).first(where: { $0.phase == AuditRecord.Phase.begin.rawValue }) else {
            return nil
        }
        return try OCSFTranslation.record(row)
    }
}
