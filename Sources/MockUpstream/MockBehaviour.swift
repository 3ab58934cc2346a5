import HTTPTypes
import Hummingbird

/// How one request is served: stream pacing and injected faults. Resolved from the configuration, then
/// the model name, then the `x-mock-*` headers (later wins).
///
/// Model names: a preset base — `mock-error-NNN` (status NNN), `mock-slow` / `mock-slow-MS` (first byte
/// after MS ms, default 10000), `mock-cut` / `mock-cut-N` (stream cut after N deltas, default 2) — and/or
/// options appended with `+`: `+chunk=N`, `+delay=MS`, `+status=NNN`, `+slow=MS`, `+cut=N`,
/// `+latency=MS`, `+stall=MS` (a stream's head at once, its first event after MS ms), `+retry_after=S`
/// (the `retry-after` of an injected error), `+split=N` (Bedrock event streams), e.g. `mock-gpt+chunk=8+delay=20`.
struct MockBehaviour: Sendable, Equatable {
    var chunkSize: Int
    var chunkDelayMs: Int
    var latencyMs: Int
    var firstByteDelayMs: Int = 0
    /// A stream's first event comes this long after its head.
    var firstEventDelayMs: Int = 0
    /// Injected error status (answered with an error body instead of a reply).
    var status: Int?
    /// Deltas sent before the connection is closed without the stream's end.
    var cutAfter: Int?
    /// `retry-after` header value sent with an injected error.
    var retryAfter: String?
    /// Binary event streams (Bedrock): bytes per written chunk, cutting across frame boundaries.
    var splitBytes: Int?

    static let defaultSlowMs = 10_000
    static let defaultCutAfter = 2

    init(configuration: MockUpstreamConfiguration, model: String, headers: HTTPFields) {
        chunkSize = configuration.chunkSize
        chunkDelayMs = configuration.chunkDelayMs
        latencyMs = configuration.latencyMs
        applyModel(model)
        applyHeaders(headers)
    }

    private mutating func applyModel(_ model: String) {
        guard model.utf8.starts(with: "mock-".utf8) || model.utf8.contains(UInt8(ascii: "+")) else { return }
        let parts = model.split(separator: "+", omittingEmptySubsequences: true)
        guard let base = parts.first else { return }
        if base.hasPrefix("mock-error-"), let code = Int(base.dropFirst(11)) {
            status = code
        } else if base == "mock-slow" {
            firstByteDelayMs = Self.defaultSlowMs
        } else if base.hasPrefix("mock-slow-"), let ms = Int(base.dropFirst(10)) {
            firstByteDelayMs = ms
        } else if base == "mock-cut" {
            cutAfter = Self.defaultCutAfter
        } else if base.hasPrefix("mock-cut-"), let n = Int(base.dropFirst(9)) {
            cutAfter = n
        }
        for option in parts.dropFirst() {
            guard let eq = option.firstIndex(of: "="), let value = Int(option[option.index(after: eq)...]) else {
                continue
            }
            apply(option: option[..<eq], value: value)
        }
    }

    private mutating func apply(option: Substring, value: Int) {
        switch option {
        case "chunk": chunkSize = max(1, value)
        case "delay": chunkDelayMs = max(0, value)
        case "status": status = value
        case "slow": firstByteDelayMs = max(0, value)
        case "cut": cutAfter = max(0, value)
        case "latency": latencyMs = max(0, value)
        case "stall": firstEventDelayMs = max(0, value)
        case "retry_after": retryAfter = String(max(0, value))
        case "split": splitBytes = max(1, value)
        default: break
        }
    }

    private mutating func applyHeaders(_ headers: HTTPFields) {
        for field in headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-mock-") else { continue }
            if name == "x-mock-retry-after" {
                retryAfter = field.value
                continue
            }
            guard let value = Int(field.value.filter { $0 != " " }) else { continue }
            switch name {
            case "x-mock-status": status = value
            case "x-mock-first-byte-delay-ms": firstByteDelayMs = max(0, value)
            case "x-mock-cut-after": cutAfter = max(0, value)
            case "x-mock-chunk-size": chunkSize = max(1, value)
            case "x-mock-chunk-delay-ms": chunkDelayMs = max(0, value)
            case "x-mock-latency-ms": latencyMs = max(0, value)
            case "x-mock-split-bytes": splitBytes = max(1, value)
            default: break
            }
        }
    }

    /// The injected error status, when it is one (2xx/1xx statuses inject nothing).
    var injectedErrorStatus: Int? {
        guard let status, (400...599).contains(status) else { return nil }
        return status
    }
}

/// Sleeps for `ms` milliseconds (no-op for 0).
func pause(milliseconds ms: Int) async throws {
    guard ms > 0 else { return }
    try await Task.sleep(for: .milliseconds(ms))
}
