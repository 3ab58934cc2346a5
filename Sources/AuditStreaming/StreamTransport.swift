import Audit

/// One committed record, ready for a collector: its place in the trail and its OCSF event as one JSON line
/// (exactly as `portcullis audit export --format ocsf` prints events).
public struct StreamedRecord: Sendable, Hashable {
    public var sequence: Int
    /// `begin`, `end`, `complete` or `aborted`.
    public var phase: String
    /// When the trail wrote it (RFC 3339 UTC, milliseconds).
    public var time: String
    public var outcome: String?
    /// The OCSF event, one line of JSON (UTF-8, no newline).
    public var line: String

    public init(sequence: Int, phase: String, time: String, outcome: String?, line: String) {
        self.sequence = sequence
        self.phase = phase
        self.time = time
        self.outcome = outcome
        self.line = line
    }

    /// A request the gateway refused or blocked (marked with the stream's refusal severity on syslog).
    public var isRefusal: Bool {
        switch outcome.flatMap(AuditRecord.Outcome.init(rawValue:)) {
        case .refusedAuth?, .refusedPolicy?, .refusedLimit?, .blockedGuardrail?, .refusedIntegrity?: true
        case .allowed?, .upstreamError?, .timeout?, .clientDisconnect?, .cacheHit?, .aborted?, .invalidRequest?,
            .controlUnavailable?, nil: false
        }
    }
}

/// How a stream reaches its collector. `deliver` is called with one batch at a time, in sequence order, and
/// returns only once the collector has taken every record of it: the stream's cursor moves past a batch only
/// then. A batch that fails is offered again (at least once: a collector may see a record twice).
public protocol StreamTransport: Sendable {
    func deliver(_ records: [StreamedRecord]) async throws
    /// Releases connections; no `deliver` follows.
    func close() async
}

/// Why a batch was not accepted. Descriptions name the collector's answer, never a credential.
public struct StreamDeliveryError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
