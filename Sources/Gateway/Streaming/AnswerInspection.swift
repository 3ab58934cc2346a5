import Core

/// Runs the answer guardrails over a provider's answer, complete or streamed event by event, as its dialect
/// declares it: every text the client will receive goes through one filter per slot (a continuous text:
/// a choice's content, a tool call's arguments, an output item's part); held-back text is carried out when
/// its slot ends; fields that repeat a slot's whole text get the released text, and text that never streamed
/// is inspected where it appears. What the declaration does not know is removed and noted (`dropped`).
/// Events nothing changed pass through as the provider sent them, byte for byte.
///
/// Fails closed: an event the strict JSON parser refuses, or a declared text field holding something that
/// is not text, stops the answer (`failure`), as does a filter that cannot run.
struct AnswerInspection {
    /// Why the answer stopped when it was not a guardrail block.
    enum Failure: Equatable {
        /// The provider sent what the response guardrails cannot read (named: `event`, or a field template).
        case uninspectable(String)
        /// A response guardrail could not run (named).
        case controlUnavailable(String)
    }

    let dialect: any APIDialect
    private var grammar: (any StreamGrammar)?
    private let makeFilter: () -> any AnswerTextFilter
    /// Token logprobs may reach the client (the request's profile never rewrites answers).
    let mirrorsServed: Bool
    /// The caller asked for streamed usage itself (otherwise the gateway's usage-only chunk is dropped).
    let callerWantsUsage: Bool
    private var filters: [String: any AnswerTextFilter] = [:]
    private var decoders: [String: EscapedJSONText] = [:]
    /// Text released so far per slot (what the caller has seen).
    private(set) var released: [String: String] = [:]
    private(set) var findings: [Finding] = []
    private(set) var blocked: Finding?
    private(set) var failure: Failure?
    private(set) var usage: TokenUsage?
    private(set) var sawText = false
    /// What was removed from the answer because its dialect does not declare it (field templates, event types),
    /// and what stopped it when it could not be inspected (`uninspectable <field>`).
    private(set) var dropped: [String] = []
    /// The id of provider-stored state the answer created (a Responses response id).
    private(set) var continuation: String?
    /// Whether the stream's own end arrived (`[DONE]`, `response.completed`): a stream without it was cut.
    private(set) var terminated = false
    /// Whether the provider reported in the stream that it failed (an error event, passed on).
    private(set) var providerFailed = false

    init(dialect: any APIDialect, streamed: Bool, mirrorsServed: Bool, callerWantsUsage: Bool = true,
         makeFilter: @escaping () -> any AnswerTextFilter) {
        self.dialect = dialect
        self.grammar = streamed ? dialect.makeStreamGrammar() : nil
        self.mirrorsServed = mirrorsServed
        self.callerWantsUsage = callerWantsUsage
        self.makeFilter = makeFilter
    }

    /// True once nothing more may be sent but the final error event.
    var stopped: Bool { blocked != nil || failure != nil }

    // MARK: complete answers

    /// Inspects a complete answer in place; returns whether it changed.
    mutating func inspectComplete(_ json: inout JSONValue) -> Bool {
        if let u = dialect.usage(in: json) { usage = u }
        continuation = dialect.continuationCreated(by: json)
        let changed = inspect(&json, dialect.answerShape).changed
        _ = flush(ending: [""])
        return changed
    }

    // MARK: streams

    /// Transforms one upstream event into the events to send (possibly none, possibly more).
    mutating func process(_ event: SSEEvent) -> [SSEEvent] {
        guard !stopped, var grammar else { return [] }
        if grammar.isTerminal(event, json: nil) { terminated = true }
        if grammar.isSentinel(event) {
            let closing = closingEvents()
            return stopped ? [] : closing + [SSEEvent(data: event.data)]
        }
        // Blank data (a keep-alive) carries nothing to inspect; it goes out without the provider's name or id.
        if event.data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return [SSEEvent(data: event.data)] }
        guard var json = try? JSONParser.parse(event.data), case .object = json else {
            failure = .uninspectable("event")
            note("uninspectable event")
            return []
        }
        grammar.observe(json)
        self.grammar = grammar
        if grammar.isProviderError(json) { providerFailed = true }
        if grammar.isTerminal(event, json: json) { terminated = true }
        if let u = dialect.usage(in: json, after: usage) { usage = u }
        if let id = dialect.continuationCreated(by: json) { continuation = id }
        if grammar.isForGatewayOnly(json, callerWantsUsage: callerWantsUsage) { return [] }
        guard let shape = grammar.shape(of: json, name: event.event) else {
            note("event " + ErrorResponse.printable(json["type"]?.stringValue ?? event.event ?? "?"))
            return []
        }
        var (changed, before) = inspect(&json, shape)
        if stopped { return [] }
        if event.event != grammar.eventName(of: json) || event.id != nil { changed = true }
        return before.map(reencode) + [changed ? reencode(json) : event]
    }

    /// At the end of a stream that had no sentinel: releases what is still held.
    mutating func finish() -> [SSEEvent] {
        guard !stopped, grammar != nil else { return [] }
        return closingEvents()
    }

    private mutating func closingEvents() -> [SSEEvent] {
        let rest = flush(ending: [""])
        guard !stopped, let grammar else { return [] }
        return grammar.closing(rest).map(reencode)
    }

    // MARK: one document

    private mutating func inspect(_ json: inout JSONValue, _ shape: ObjectShape) -> (changed: Bool, before: [JSONValue]) {
        var reader = AnswerReader(mirrorsServed: mirrorsServed)
        reader.read(&json, as: shape)
        for d in reader.dropped { note(d) }
        if let field = reader.uninspectable {
            failure = .uninspectable(field)
            note("uninspectable " + field)
            return (false, [])
        }
        var changed = !reader.dropped.isEmpty
        for t in reader.texts where t.isDelta {
            if t.isMirror {
                observe(t.slot, t.text)
            } else {
                let out = feed(t.slot, t.text, form: t.form)
                if out != t.text, json.replace(at: t.location, with: .string(out)) { changed = true }
            }
            if stopped { return (false, []) }
        }
        var before: [JSONValue] = []
        if var grammar {
            let rest = flush(ending: grammar.endingSlots(of: json))
            if stopped { return (false, []) }
            if !rest.isEmpty {
                before = grammar.carry(rest, into: &json)
                self.grammar = grammar
                changed = true
            }
        }
        for t in reader.texts where !t.isDelta {
            let out = releasedText(t.slot, whole: t.text, form: t.form)
            if stopped { return (false, []) }
            if out != t.text, json.replace(at: t.location, with: .string(out)) { changed = true }
        }
        return (changed, before)
    }

    // MARK: slots

    private mutating func feed(_ slot: String, _ text: String, form: TextField.Form) -> String {
        var piece = text
        if form == .json {
            var decoder = decoders[slot] ?? EscapedJSONText()
            piece = decoder.feed(text)
            decoders[slot] = decoder
        }
        var filter = filters[slot] ?? makeFilter()
        let out = filter.feed(piece)
        filters[slot] = filter
        return absorb(slot, out)
    }

    /// Token logprobs: inspected for findings; the field itself is not rewritten.
    private mutating func observe(_ slot: String, _ text: String) {
        var filter = filters[slot] ?? makeFilter()
        let out = filter.feed(text)
        filters[slot] = filter
        _ = absorb(slot, out, mirror: true)
    }

    /// Finishes the filters of the slots that end (`""`: all; `x.`: every slot starting so; else that slot);
    /// returns the text they still held, per slot (mirrors: inspected, never carried).
    private mutating func flush(ending endings: [String]) -> [(slot: String, text: String)] {
        guard !endings.isEmpty else { return [] }
        var out: [(slot: String, text: String)] = []
        for slot in filters.keys.sorted() where endings.contains(where: { $0.isEmpty || slot == $0 || ($0.hasSuffix(".") && slot.hasPrefix($0)) }) {
            let text = finish(slot)
            if stopped { return [] }
            if !text.isEmpty, !slot.hasPrefix(AnswerReader.mirrorPrefix) { out.append((slot, text)) }
        }
        return out
    }

    private mutating func finish(_ slot: String) -> String {
        guard var filter = filters.removeValue(forKey: slot) else { return "" }
        let mirror = slot.hasPrefix(AnswerReader.mirrorPrefix)
        var text = ""
        if var decoder = decoders.removeValue(forKey: slot) {
            text = absorb(slot, filter.feed(decoder.finish()), mirror: mirror)
        }
        return text + absorb(slot, filter.finish(), mirror: mirror)
    }

    /// The released text of `slot` (its filter finished first); text that never streamed (`whole`) is
    /// inspected now, once.
    private mutating func releasedText(_ slot: String, whole: String, form: TextField.Form) -> String {
        _ = finish(slot)
        if let text = released[slot] { return text }
        var filter = makeFilter()
        let first = absorb(slot, filter.feed(form == .json ? EscapedJSONText.decode(whole) : whole))
        return first + absorb(slot, filter.finish())
    }

    private mutating func absorb(_ slot: String, _ out: FilterOutput, mirror: Bool = false) -> String {
        findings += out.findings
        if let b = out.blocked, blocked == nil { blocked = b }
        if let control = out.unavailable, failure == nil { failure = .controlUnavailable(control) }
        if stopped || mirror { return "" }
        if !out.text.isEmpty { sawText = true }
        released[slot, default: ""] += out.text
        return out.text
    }

    /// The provider sent something the answer guardrails cannot read (named): nothing more goes out.
    mutating func stopUninspectable(_ what: String) {
        failure = .uninspectable(what)
        note("uninspectable " + what)
    }

    /// Notes a removal (at most `maxDropped`, each once), also for what was removed before inspection.
    mutating func note(_ what: String) {
        guard dropped.count < Self.maxDropped, !dropped.contains(what) else { return }
        dropped.append(String(what.prefix(160)))
    }

    /// At most this many distinct drops are noted per answer (the audit record stays bounded).
    static let maxDropped = 32

    /// An event as it goes out: its JSON, and the SSE name its dialect gives it (no `id:`).
    private func reencode(_ json: JSONValue) -> SSEEvent {
        SSEEvent(event: grammar?.eventName(of: json), data: json.serialized())
    }

    /// Output tokens estimated from released text when the provider reported none.
    var releasedCharacterCount: Int { released.values.reduce(0) { $0 + $1.count } }
}
