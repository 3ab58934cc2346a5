import Core

/// What a response filter lets out after a `feed` or `finish`.
public struct FilterOutput: Sendable, Equatable {
    /// Text to send on now: redacted, pseudonyms restored.
    public var text: String
    /// Findings in the released part (offsets in Unicode scalars from the start of the answer).
    public var findings: [Finding]
    /// Set when a finding's action is `block`: `text` ends before it; stop the stream with an error.
    public var blocked: Finding?

    public static let empty = FilterOutput(text: "", findings: [], blocked: nil)
}

/// Scans one answer as it streams (Vectorscan stream mode, so a match split across chunks is found),
/// holding back only the last `Scanner.holdBack` bytes — the widest match plus the context its validator
/// reads — and longer only while a match is still growing (a PEM block until its footer). Released text
/// is final: it never contains a value the policy says to redact. One per response; not thread-safe.
public struct ResponseFilter {
    private let scanner: Scanner
    private let stream: ScanStream?
    private let policy: ActionPolicy
    private let threshold: Double
    private var vault: PseudonymVault
    /// Stream bytes from `bufferBase`: unreleased text plus some released text as validator context.
    private var buffer: [UInt8] = []
    private var bufferBase = 0
    private var scalarsBeforeBuffer = 0
    private var released = 0
    private var pending: [RawHit] = []
    private var confirmed: [ByteMatch] = []
    private var done = false

    init(scanner: Scanner, policy: ActionPolicy, threshold: Double, vault: PseudonymVault) {
        self.scanner = scanner
        self.stream = scanner.stream.flatMap { try? ScanStream(database: $0) }
        self.policy = policy
        self.threshold = threshold
        self.vault = vault
    }

    /// Takes the next piece of the answer; returns what may be released now.
    public mutating func feed(_ text: String) -> FilterOutput {
        guard !done, !text.isEmpty else { return .empty }
        guard let stream else { return FilterOutput(text: text, findings: [], blocked: nil) }
        var text = text
        pending += text.withUTF8 { stream.feed($0) }
        buffer.append(contentsOf: text.utf8)
        return process(endOfData: false)
    }

    /// The answer is complete: releases the rest.
    public mutating func finish() -> FilterOutput {
        guard !done else { return .empty }
        if let stream { pending += stream.close() }
        let output = process(endOfData: true)
        done = true
        return output
    }

    private mutating func process(endOfData: Bool) -> FilterOutput {
        let streamEnd = bufferBase + buffer.count
        var limit = endOfData ? streamEnd : max(released, streamEnd - scanner.holdBack)
        let resolver = scanner.resolver
        let rules = scanner.rules
        buffer.withUnsafeBufferPointer { bytes in
            var waiting: [RawHit] = []
            var seen = Set<RawHit>()
            for hit in pending where seen.insert(hit).inserted {
                if !endOfData, hit.to > streamEnd - CandidateResolver.contextAfter {
                    waiting.append(hit)
                    continue
                }
                switch resolver.resolve(hit, bytes: bytes, base: bufferBase, endOfData: endOfData) {
                case .confirmed(let match) where match.score >= threshold: confirmed.append(match)
                case .confirmed, .rejected: break
                case .incomplete:
                    waiting.append(hit)
                    let start = rules[hit.rule].reportsStart ? hit.from : hit.to
                    limit = min(limit, start - (rules[hit.rule].extendLeft?.limit ?? 0))
                }
            }
            pending = waiting
        }
        limit = max(limit, released)
        // Keep the best of overlapping matches; never release part of a kept match.
        let kept = scanner.keptMatches(confirmed)
        var moved = true
        while moved {
            moved = false
            for m in kept where m.from < limit && m.to > limit {
                limit = max(released, m.from)
                moved = true
            }
        }
        while limit > released, limit < streamEnd, buffer[limit - bufferBase] & 0xC0 == 0x80 { limit -= 1 }
        return release(upTo: limit, kept: kept.filter { $0.to <= limit && $0.to > released })
    }

    private mutating func release(upTo limit: Int, kept: [ByteMatch]) -> FilterOutput {
        var output = FilterOutput.empty
        var bytesOut: [UInt8] = []
        var cursor = released
        var scalars = scalarsBeforeBuffer
        var scalarCursor = bufferBase
        func scalarOffset(_ offset: Int) -> Int {
            while scalarCursor < offset {
                if buffer[scalarCursor - bufferBase] & 0xC0 != 0x80 { scalars += 1 }
                scalarCursor += 1
            }
            return scalars
        }
        var stopAt = limit
        // A pseudonym inside an exfiltration URL stays a placeholder: restoring it would send the original
        // value to the attacker's host (intent guardrails, issue 7).
        let exfiltration = kept.filter { scanner.rules[$0.rule].category == "exfiltration" }.map { $0.from..<$0.to }
        for m in kept.sorted(by: { $0.from < $1.from }) {
            let start = max(m.from, released)
            let rule = scanner.rules[m.rule]
            let value = String(decoding: buffer[(start - bufferBase)..<(m.to - bufferBase)], as: UTF8.self)
            if rule.category == DataCatalogue.placeholderCategory {
                if exfiltration.contains(where: { $0.contains(m.from) }) { continue }
                guard let original = vault.original(for: value) else { continue }
                bytesOut += buffer[(cursor - bufferBase)..<(start - bufferBase)]
                bytesOut += Array(original.utf8)
                cursor = m.to
                continue
            }
            let finding = Finding(
                detector: rule.id, category: rule.category, start: scalarOffset(m.from), end: scalarOffset(m.to),
                score: m.score, direction: .response)
            let action = policy.action(for: rule.category, direction: .response)
            if action == .allow { continue }
            output.findings.append(finding)
            if action == .block {
                output.blocked = finding
                stopAt = start
                break
            }
            if action == .redact {
                bytesOut += buffer[(cursor - bufferBase)..<(start - bufferBase)]
                bytesOut += Array(vault.placeholder(for: value, category: rule.category, reversible: false).utf8)
                cursor = m.to
            }
        }
        if output.blocked != nil {
            bytesOut += buffer[(cursor - bufferBase)..<(max(cursor, stopAt) - bufferBase)]
            done = true
        } else {
            bytesOut += buffer[(cursor - bufferBase)..<(limit - bufferBase)]
        }
        output.text = String(decoding: bytesOut, as: UTF8.self)
        released = limit
        // Kept matches end at or start after `limit`; anything else starting before it lost to a released one.
        confirmed.removeAll { $0.from < limit }
        trimBuffer()
        return output
    }

    /// Drops released bytes older than the validator context (and the widest left extension) needs.
    private mutating func trimBuffer() {
        let keepFrom = released - CandidateResolver.contextBefore - scanner.widestMatch
        guard keepFrom - bufferBase > 4096 else { return }
        let drop = keepFrom - bufferBase
        for b in buffer[0..<drop] where b & 0xC0 != 0x80 { scalarsBeforeBuffer += 1 }
        buffer.removeFirst(drop)
        bufferBase += drop
    }
}
