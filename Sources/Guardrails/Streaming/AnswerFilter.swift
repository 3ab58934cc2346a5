import Core

/// What a response filter lets out after a `feed` or `finish`.
public struct FilterOutput: Sendable, Equatable {
    /// Text to send on now: redacted, pseudonyms restored.
    public var text: String
    /// Findings in the released part (offsets in Unicode scalars from the start of the answer).
    public var findings: [Finding]
    /// Set when a finding's action is `block`: `text` ends before it; stop the stream with an error.
    public var blocked: Finding?
    /// The filter cannot inspect (its Vectorscan stream could not be opened or a scan failed): nothing
    /// more is released; stop the stream, refuse a complete answer.
    public var unavailable = false

    public static let empty = FilterOutput(text: "", findings: [], blocked: nil)
}

/// Scans one answer as it streams (Vectorscan stream mode over the answer's `DataView`, so a match
/// split across chunks — or hidden by zero-width or fullwidth characters — is found), holding back only
/// the last `Scanner.holdBack` view bytes — the widest match plus the context its validator reads — and
/// longer only while a match is still growing (a PEM block until its footer). Released text is the
/// original text and final: it never contains a value the policy says to redact. One per text stream
/// of an answer; not thread-safe.
public struct AnswerFilter {
    private let scanner: Scanner
    private let stream: ScanStream?
    private let policy: ActionPolicy
    private let threshold: Double
    private let vault: PseudonymVault
    /// The normalised view (absolute view offsets), fed to the stream as it becomes final.
    private var view = DataView()
    /// Original bytes from `rawBase` on: what is released.
    private var raw: [UInt8] = []
    private var rawBase = 0
    private var scalarsBeforeRaw = 0
    /// Released up to this view offset / original offset.
    private var released = 0
    private var releasedRaw = 0
    private var fed = 0
    private var pending: [RawHit] = []
    private var words = WordOccurrences()
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
        guard stream != nil else { return failClosed() }
        var text = text
        text.withUTF8 { bytes in
            raw.append(contentsOf: bytes)
            if scanner.normalises, !DataView.isPlain(bytes) { view.append(bytes) } else { view.appendVerbatim(bytes) }
        }
        guard scanNewViewBytes() else { return failClosed() }
        return process(endOfData: false)
    }

    /// The answer is complete: releases the rest.
    public mutating func finish() -> FilterOutput {
        guard !done else { return .empty }
        guard let stream, let last = stream.close() else { return failClosed() }
        collect(last)
        let output = process(endOfData: true)
        done = true
        return output
    }

    private mutating func failClosed() -> FilterOutput {
        done = true
        var output = FilterOutput.empty
        output.unavailable = true
        return output
    }

    /// Feeds the new view bytes to the stream; false when Vectorscan failed.
    private mutating func scanNewViewBytes() -> Bool {
        guard let stream else { return false }
        guard view.end > fed else { return true }
        let hits = view.bytes.withUnsafeBufferPointer { all in
            stream.feed(UnsafeBufferPointer(rebasing: all[(fed - view.base)...]))
        }
        guard let hits else { return false }
        fed = view.end
        collect(hits)
        return true
    }

    /// Pattern hits wait for resolution; context-word hits go to the occurrence index.
    private mutating func collect(_ hits: [RawHit]) {
        let ruleCount = scanner.rules.count
        for hit in hits {
            if hit.rule >= ruleCount {
                let word = hit.rule - ruleCount
                words.append(WordHit(word: word, start: hit.to - scanner.resolver.context.words[word].count, end: hit.to))
            } else {
                pending.append(hit)
            }
        }
        words.prepare()
    }

    private mutating func process(endOfData: Bool) -> FilterOutput {
        let streamEnd = view.end
        var limit = endOfData ? streamEnd : max(released, streamEnd - scanner.holdBack)
        let resolver = scanner.resolver
        let rules = scanner.rules
        let base = view.base
        let words = self.words
        guard !pending.isEmpty || !confirmed.isEmpty || limit > released else { return .empty }
        view.bytes.withUnsafeBufferPointer { bytes in
            var waiting: [RawHit] = []
            // Vectorscan reports each (rule, start, end) once and a waiting hit is carried once: no duplicates.
            for hit in pending {
                if !endOfData, hit.to > streamEnd - CandidateResolver.contextAfter {
                    waiting.append(hit)
                    continue
                }
                switch resolver.resolve(hit, bytes: bytes, base: base, endOfData: endOfData, words: words) {
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
        while limit > released, limit < streamEnd, view.bytes[limit - base] & 0xC0 == 0x80 { limit -= 1 }
        return release(upTo: limit, kept: kept.filter { $0.to <= limit && $0.to > released }, endOfData: endOfData)
    }

    private mutating func release(upTo limit: Int, kept: [ByteMatch], endOfData: Bool) -> FilterOutput {
        var output = FilterOutput.empty
        var bytesOut: [UInt8] = []
        let map = view.map
        let rawLimit = endOfData && limit == view.end ? rawBase + raw.count : map.rawStart(ofView: limit)
        var cursor = releasedRaw
        var scalars = scalarsBeforeRaw
        var scalarCursor = rawBase
        func scalarOffset(_ offset: Int) -> Int {
            while scalarCursor < offset {
                if raw[scalarCursor - rawBase] & 0xC0 != 0x80 { scalars += 1 }
                scalarCursor += 1
            }
            return scalars
        }
        func original(_ from: Int, _ to: Int) -> String {
            String(decoding: raw[(from - rawBase)..<(to - rawBase)], as: UTF8.self)
        }
        var stopAt = rawLimit
        // A pseudonym inside an exfiltration match (intent guardrails) stays a placeholder as well.
        let exfiltration = kept.filter { scanner.rules[$0.rule].category == "exfiltration" }.map { $0.from..<$0.to }
        for m in kept.sorted(by: { $0.from < $1.from }) {
            let rule = scanner.rules[m.rule]
            let from = max(map.rawStart(ofView: max(m.from, released)), releasedRaw)
            let to = max(from, map.rawEnd(ofView: m.to))
            guard from >= cursor else { continue }
            if rule.category == DataCatalogue.placeholderCategory {
                let placeholder = String(decoding: view.bytes[(m.from - view.base)..<(m.to - view.base)], as: UTF8.self)
                // A placeholder the model put into a URL stays a placeholder: restoring it would hand the
                // original to whoever serves that URL.
                guard let value = vault.original(for: placeholder), !insideURL(viewOffset: m.from),
                      !exfiltration.contains(where: { $0.contains(m.from) }) else { continue }
                bytesOut += raw[(cursor - rawBase)..<(from - rawBase)]
                bytesOut += Array(value.utf8)
                cursor = to
                continue
            }
            let action = policy.action(for: rule.category, direction: .response)
            if action == .allow { continue }
            let finding = Finding(
                detector: rule.id, category: rule.category, start: scalarOffset(max(map.rawStart(ofView: m.from), rawBase)),
                end: scalarOffset(to), score: m.score, direction: .response)
            output.findings.append(finding)
            if action == .block {
                output.blocked = finding
                stopAt = from
                break
            }
            if action == .redact {
                bytesOut += raw[(cursor - rawBase)..<(from - rawBase)]
                bytesOut += Array(vault.placeholder(for: original(from, to), category: rule.category, reversible: false).utf8)
                cursor = to
            }
        }
        if output.blocked != nil {
            bytesOut += raw[(cursor - rawBase)..<(max(cursor, stopAt) - rawBase)]
            done = true
        } else if rawLimit > cursor {
            bytesOut += raw[(cursor - rawBase)..<(rawLimit - rawBase)]
        }
        output.text = String(decoding: bytesOut, as: UTF8.self)
        released = limit
        releasedRaw = max(cursor, rawLimit)
        // Kept matches end at or start after `limit`; anything else starting before it lost to a released one.
        confirmed.removeAll { $0.from < limit }
        trim()
        return output
    }

    /// True when the view text right before `offset`, back to the previous blank, is part of a URL
    /// (`https://host/...`, `//host/...`, `www.`, `mailto:`). When that text was already dropped from the
    /// buffer (a token longer than `maxToken`), the answer is yes: fail closed.
    private func insideURL(viewOffset offset: Int) -> Bool {
        var i = offset
        let bytes = view.bytes
        while i > view.base, !Self.isBlank(bytes[i - 1 - view.base]) { i -= 1 }
        if i == view.base, view.base > 0 { return true }
        let token = String(decoding: bytes[(i - view.base)..<(offset - view.base)], as: UTF8.self)
        return token.containsCaseless("//") || token.containsCaseless("www.") || token.containsCaseless("mailto:")
    }

    @inline(__always) private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Longest run of non-blank text kept before a released position for the URL test.
    static let maxToken = 8192

    /// Drops released bytes older than the validator context (and the widest left extension) needs, but
    /// keeps the current token (see `insideURL`).
    private mutating func trim() {
        var keepFrom = released - CandidateResolver.contextBefore - scanner.widestMatch
        guard keepFrom - view.base > 4096 else { return }
        let floor = max(view.base, released - Self.maxToken)
        while keepFrom > floor, !Self.isBlank(view.bytes[keepFrom - 1 - view.base]) { keepFrom -= 1 }
        guard keepFrom > view.base else { return }
        view.drop(before: keepFrom)
        words.drop(before: keepFrom)
        let rawDrop = min(releasedRaw, view.map.rawStart(ofView: keepFrom)) - rawBase
        guard rawDrop > 0 else { return }
        for b in raw[0..<rawDrop] where b & 0xC0 != 0x80 { scalarsBeforeRaw += 1 }
        raw.removeFirst(rawDrop)
        rawBase += rawDrop
    }
}
