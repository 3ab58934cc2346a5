import CVectorscan
import Core

/// A confirmed match of one rule.
public struct ScanMatch: Sendable, Hashable {
    /// Index into `Scanner.rules`.
    public var ruleIndex: Int
    public var detector: String
    public var category: String
    /// Unicode scalar offsets into the scanned text, end exclusive.
    public var start: Int
    public var end: Int
    /// UTF-8 byte offsets into the scanned text, end exclusive.
    public var byteStart: Int
    public var byteEnd: Int
    public var score: Double
}

/// All rules of one direction compiled into one Vectorscan database (and, for responses, one streaming
/// database), at construction — never per request. Safe to share; scratch spaces are pooled.
///
/// Other guardrails reuse it with their own rules: `Scanner(rules:direction:)`, then `scan(_:)`.
public final class Scanner: Sendable {
    public let direction: Finding.Direction
    /// The rules that run in this direction; `ScanMatch.ruleIndex` points here.
    public let rules: [DetectorRule]
    let block: VectorscanDatabase?
    /// The context words alone, scanned only when a pattern hit needs them (most texts have no hit).
    let blockWords: VectorscanDatabase?
    /// Patterns and context words together (hit ids from `rules.count` on are words).
    let stream: VectorscanDatabase?
    let resolver: CandidateResolver
    /// Bytes a streaming filter must keep unreleased so that no match (plus the context its validator
    /// reads after it) can straddle released text: the widest pattern plus the after-context.
    public let holdBack: Int
    /// Widest rule plus its left extension (bytes); unbounded rules count as `unboundedWidth`.
    public let widestMatch: Int
    /// Stream hold-back used for a rule whose pattern has no width bound.
    public static let unboundedWidth = 512
    /// Rules read the normalised view of the text (`DataView`); findings still point at the original.
    public let normalises: Bool

    /// Compiles every rule of `rules` that runs in `direction`. `streaming` adds a stream-mode database
    /// (default: for responses). Throws `ScannerError.compile` naming the first rule that fails.
    /// `minimumScore`: candidates of rules with a lower base score are dropped early unless a context
    /// word is near (pass the threshold findings must reach; 0 keeps everything). `normalises`: scan the
    /// `DataView` of each text (invisible characters, fullwidth and other-script digits... undone).
    public init(
        rules allRules: [DetectorRule], direction: Finding.Direction, streaming: Bool? = nil, minimumScore: Double = 0,
        normalises: Bool = false
    ) throws {
        let rules = allRules.filter { $0.directions.contains(direction) }
        self.direction = direction
        self.rules = rules
        self.normalises = normalises
        self.resolver = CandidateResolver(rules: rules, minimumScore: minimumScore)
        func flags(_ rule: DetectorRule, som: Bool) -> UInt32 {
            var f: UInt32 = 0
            if rule.caseless { f |= UInt32(HS_FLAG_CASELESS) }
            if som && rule.reportsStart { f |= UInt32(HS_FLAG_SOM_LEFTMOST) }
            return f
        }
        var widest = 1
        for rule in rules {
            let width = VectorscanDatabase.maxWidth(of: rule.pattern, flags: flags(rule, som: false))
            widest = max(widest, (width ?? Self.unboundedWidth) + (rule.extendLeft?.limit ?? 0))
        }
        widestMatch = widest
        holdBack = widest + CandidateResolver.contextAfter + 1
        if rules.isEmpty {
            block = nil
            blockWords = nil
            stream = nil
            return
        }
        let patterns = rules.map { ($0.pattern, flags($0, som: true), $0.id) }
        let words = resolver.context.expressions.map { ($0, UInt32(HS_FLAG_CASELESS), "(context word)") }
        block = try VectorscanDatabase(patterns: patterns, mode: UInt32(HS_MODE_BLOCK))
        blockWords = words.isEmpty ? nil : try VectorscanDatabase(patterns: words, mode: UInt32(HS_MODE_BLOCK))
        if streaming ?? (direction == .response) {
            stream = try VectorscanDatabase(
                patterns: patterns + words, mode: UInt32(HS_MODE_STREAM) | UInt32(HS_MODE_SOM_HORIZON_LARGE))
        } else {
            stream = nil
        }
    }

    /// Confirmed matches in `text`, overlapping spans deduplicated (best score, then longest, wins).
    public func scan(_ text: String) -> [ScanMatch] {
        ScanMatch.deduplicated(candidates(text))
    }

    /// Every confirmed match in `text`, including overlapping ones; empty when the scan failed (see
    /// `checkedCandidates` to tell the two apart and fail closed).
    public func candidates(_ text: String) -> [ScanMatch] { checkedCandidates(text) ?? [] }

    /// Every confirmed match in `text`, or nil when Vectorscan could not scan it.
    public func checkedCandidates(_ text: String) -> [ScanMatch]? {
        guard block != nil else { return [] }
        var text = text
        return text.withUTF8 { raw -> [ScanMatch]? in
            if normalises, !DataView.isPlain(raw) {
                var view = DataView()
                view.append(raw)
                if view.changed {
                    guard let confirmed = view.bytes.withUnsafeBufferPointer({ confirm(in: $0) }) else { return nil }
                    let map = view.map
                    let original = confirmed.map { m in
                        let to = map.rawEnd(ofView: m.to)
                        return ByteMatch(rule: m.rule, from: m.from == m.to ? to : map.rawStart(ofView: m.from), to: to, score: m.score)
                    }
                    return makeMatches(original, bytes: raw, base: 0, scalarBase: 0)
                }
            }
            guard let confirmed = confirm(in: raw) else { return nil }
            return makeMatches(confirmed, bytes: raw, base: 0, scalarBase: 0)
        }
    }

    /// Size of the compiled databases in bytes (what every scan touches; large ones miss the cache).
    public var databaseBytes: Int { (block?.size ?? 0) + (blockWords?.size ?? 0) + (stream?.size ?? 0) }

    /// Block scan of `bytes` and resolution of every hit (byte offsets into `bytes`); nil when a scan failed.
    func confirm(in bytes: UnsafeBufferPointer<UInt8>) -> [ByteMatch]? {
        guard let block else { return [] }
        guard let hits = block.scanBlock(bytes) else { return nil }
        guard !hits.isEmpty else { return [] }
        var words = WordOccurrences()
        if let blockWords, hits.contains(where: { resolver.context.usesWords($0.rule) }) {
            guard let wordHits = blockWords.scanBlock(bytes) else { return nil }
            for hit in wordHits {
                words.append(WordHit(word: hit.rule, start: hit.to - resolver.context.words[hit.rule].count, end: hit.to))
            }
            words.prepare()
        }
        var seen = Set<RawHit>()  // only hits that collapse (see `hitKey`) can repeat
        var confirmed: [ByteMatch] = []
        for hit in hits {
            let key = hitKey(hit)
            if key.to < 0, !seen.insert(key).inserted { continue }
            if case .confirmed(let m) = resolver.resolve(hit, bytes: bytes, base: 0, endOfData: true, words: words) {
                confirmed.append(m)
            }
        }
        return confirmed
    }

    /// Hits that grow to the same span need resolving once: rules with a right extension collapse to
    /// their start.
    func hitKey(_ hit: RawHit) -> RawHit {
        if rules[hit.rule].reportsStart, case .whileIn = rules[hit.rule].spanExtension { return RawHit(rule: hit.rule, from: hit.from, to: -1) }
        return hit
    }

    /// Converts byte matches (offsets from `base`) to `ScanMatch`es with scalar offsets.
    func makeMatches(
        _ matches: [ByteMatch], bytes: UnsafeBufferPointer<UInt8>, base: Int, scalarBase: Int
    ) -> [ScanMatch] {
        var unique = Array(Set(matches))
        unique.sort { ($0.from, $0.to, $0.rule) < ($1.from, $1.to, $1.rule) }
        var offsets = ScalarOffsets(bytes: bytes, base: base, scalarBase: scalarBase)
        return unique.map { m in
            let rule = rules[m.rule]
            return ScanMatch(
                ruleIndex: m.rule, detector: rule.id, category: rule.category,
                start: offsets.scalarOffset(ofByte: m.from), end: offsets.scalarOffset(ofByte: m.to),
                byteStart: m.from, byteEnd: m.to, score: m.score)
        }
    }
}

/// Counts Unicode scalars up to increasing byte offsets; cheap when queried in ascending order.
struct ScalarOffsets {
    let bytes: UnsafeBufferPointer<UInt8>
    let base: Int
    private var byteCursor: Int
    private var scalarCursor: Int

    init(bytes: UnsafeBufferPointer<UInt8>, base: Int, scalarBase: Int) {
        self.bytes = bytes
        self.base = base
        self.byteCursor = base
        self.scalarCursor = scalarBase
    }

    mutating func scalarOffset(ofByte offset: Int) -> Int {
        if offset < byteCursor {  // rare: restart from the beginning of the buffer
            var count = scalarCursor
            var i = byteCursor
            while i > offset {
                i -= 1
                if bytes[i - base] & 0xC0 != 0x80 { count -= 1 }
            }
            return count
        }
        while byteCursor < offset {
            if bytes[byteCursor - base] & 0xC0 != 0x80 { scalarCursor += 1 }
            byteCursor += 1
        }
        return scalarCursor
    }
}

extension ScanMatch {
    /// Keeps the best of overlapping matches (higher score, then longer span). Data findings (`pii`,
    /// `secret`, `custom`) compete with each other; other categories only within their own category.
    public static func deduplicated(_ matches: [ScanMatch]) -> [ScanMatch] {
        guard matches.count > 1 else { return matches }
        var groups: [Substring: [ScanMatch]] = [:]
        for m in matches { groups[m.dedupeFamily, default: []].append(m) }
        var kept: [ScanMatch] = []
        kept.reserveCapacity(matches.count)
        for (_, group) in groups {
            let ranked = group.sorted {
                if $0.score != $1.score { return $0.score > $1.score }
                if ($0.byteEnd - $0.byteStart) != ($1.byteEnd - $1.byteStart) {
                    return ($0.byteEnd - $0.byteStart) > ($1.byteEnd - $1.byteStart)
                }
                return $0.byteStart < $1.byteStart
            }
            // Taken spans, sorted by start and pairwise disjoint: an overlap can only be with a neighbour.
            var taken: [(start: Int, end: Int)] = []
            for m in ranked {
                var low = 0, high = taken.count
                while low < high {
                    let mid = (low + high) / 2
                    if taken[mid].start < m.byteStart { low = mid + 1 } else { high = mid }
                }
                if low > 0, taken[low - 1].end > m.byteStart { continue }
                if low < taken.count, taken[low].start < m.byteEnd { continue }
                taken.insert((m.byteStart, m.byteEnd), at: low)
                kept.append(m)
            }
        }
        return kept.sorted { ($0.byteStart, $0.byteEnd) < ($1.byteStart, $1.byteEnd) }
    }

    var dedupeFamily: Substring {
        let head = category.prefix { $0 != "." }
        return (head == "pii" || head == "secret" || head == "custom" || head == "internal") ? "data" : Substring(category)
    }
}

extension Scanner {
    /// `ScanMatch.deduplicated` on byte matches (stream side).
    func keptMatches(_ matches: [ByteMatch]) -> [ByteMatch] {
        guard matches.count > 1 else { return matches }
        let asScan = Array(Set(matches)).map { m in
            ScanMatch(
                ruleIndex: m.rule, detector: rules[m.rule].id, category: rules[m.rule].category, start: m.from,
                end: m.to, byteStart: m.from, byteEnd: m.to, score: m.score)
        }
        return ScanMatch.deduplicated(asScan).map { ByteMatch(rule: $0.ruleIndex, from: $0.byteStart, to: $0.byteEnd, score: $0.score) }
    }
}
