// In-process cost of the data guardrails per request: `GuardrailEngine.inspect` (the request scan the
// gateway runs: one Vectorscan block scan plus validators) and the streaming response filter, on the
// gateway benchmark's 2 KB chat body and on 2 KB / 100 KB prompts composed from the project's fixtures
// (about one line in four carrying PII or a secret). Prints a table; asserts nothing.
//
//     bench/guardrails-scan.sh [--fixtures DIR] [--seconds S]
import Core
import Foundation
import Guardrails

#if canImport(Glibc)
import Glibc
#endif

/// CPU time of this thread (the benchmark runs on one).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func wallSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Runs `body` repeatedly for about `seconds`; returns (wall, cpu) seconds per call (best of 3 rounds).
func measure(seconds: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    for _ in 0..<3 { body() }  // warm-up: scratch pools, lazy tables
    var best = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<3 {
        var n = 0
        let w0 = wallSeconds(), c0 = cpuSeconds()
        repeat {
            body()
            n += 1
        } while wallSeconds() - w0 < seconds / 3
        let w = (wallSeconds() - w0) / Double(n), c = (cpuSeconds() - c0) / Double(n)
        best = (min(best.wall, w), min(best.cpu, c))
    }
    return best
}

// The gateway benchmark's chat body (bench/lib/bench.py `chat_body`): system prompt, one exchange, question.
let system = "You are a careful assistant for the finance operations team. Answer in plain English, cite the section of the document you rely on, and say so when the document does not contain the answer. Keep summaries under two hundred words, use bullet points for action items, and never invent figures. If a question is ambiguous, ask one short clarifying question before answering. Format dates as YYYY-MM-DD, amounts with a currency code, and keep the names of teams, products and partners exactly as written in the notes. "
let user1 = "Here are the notes from Tuesday's quarterly review. Revenue grew in every region, with the strongest results in Asia, where two new distribution partners came online in August. Operating costs rose slightly because of the cluster migration and the new onboarding programme, but the migration cut service latency by about a third. The committee agreed to revisit the travel policy, to move the budget review to the first week of the next quarter, and to publish the refund policy change on the customer portal before the end of the month. Open questions: whether the refund policy applies to orders placed before the change, and who owns the partner onboarding checklist. Finance also flagged that the currency hedging contracts renew in November, that the audit of the procurement process starts next month, and that the shared drive clean-up is still waiting for a decision on retention periods for old project folders. Marketing asked for the regional numbers by Friday. "
let assistant1 = "Summary: revenue up in all regions (Asia strongest, two new partners); costs slightly up (migration, onboarding); latency down by a third. Actions: revisit travel policy; move budget review to week one of next quarter; publish the refund policy change this month. Open: refund policy scope for earlier orders; owner of the partner onboarding checklist. "
let chatRequest = AIRequest(
    operation: .chatCompletions, model: "bench",
    messages: [
        AIMessage(role: .system, text: system, location: "messages[0].content"),
        AIMessage(role: .user, text: user1, location: "messages[1].content"),
        AIMessage(role: .assistant, text: assistant1, location: "messages[2].content"),
        AIMessage(role: .user, text: "#lorem 60", location: "messages[3].content"),
    ])

let prose = [
    "The quarterly report shows revenue growth across all regions, with the strongest results in Asia.",
    "Please summarise the following meeting notes and list the action items with their owners.",
    "We migrated the service to the new cluster last week and latency dropped by about a third.",
    "Can you rewrite this paragraph so it sounds more formal but keeps the same meaning?",
    "The onboarding checklist covers laptops, accounts, security training and the first project.",
    "Our customer asked whether the refund policy applies to orders placed before the change.",
    "Version 4.2.1 fixes the crash on start-up and improves the search index rebuild time.",
    "def handler(event, context):\n    return {'status': 200, 'body': json.dumps(event)}",
    "The committee will meet on Tuesday at 10:30 to review the 2024 budget proposal.",
    "Translate the customer's message into Japanese and keep the product names in English.",
]

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, in arguments: [String]) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let fixtures = option("--fixtures", in: arguments) ?? "tests/fixtures/guardrails"
let seconds = Double(option("--seconds", in: arguments) ?? "3") ?? 3
/// `--only WORD`: run only the rows whose label contains WORD (for profiling one workload).
let only = option("--only", in: arguments)

var samples: [String] = []
for name in ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).sorted() where name.hasSuffix(".jsonl") {
    let data = FileManager.default.contents(atPath: fixtures + "/" + name) ?? Data()
    for line in data.split(separator: 0x0A) {
        if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let text = object["text"] as? String {
            samples.append(text)
        }
    }
}
if samples.isEmpty { samples = ["mail jane.doe@example.com or call +65 9123 4567"] }

/// Deterministic generator (SplitMix64), so every run composes the same texts.
struct Mix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
}

func compose(_ bytes: Int, seed: UInt64, samples: [String], prose: [String]) -> String {
    var rng = Mix(state: seed)
    var lines: [String] = []
    var size = 0
    while size < bytes {
        let line = rng.next() % 4 == 0 ? rng.pick(samples) : rng.pick(prose)
        lines.append(line)
        size += line.utf8.count + 1
    }
    return String(decoding: lines.joined(separator: "\n").utf8.prefix(bytes), as: UTF8.self)
}

let engine = try GuardrailEngine(configuration: GuardrailsConfiguration())
let texts: [(String, String)] = [("2 KB mixed", compose(2048, seed: 11, samples: samples, prose: prose)), ("100 KB mixed", compose(100 * 1024, seed: 12, samples: samples, prose: prose))]

print("data guardrails in process, one thread (best of 3 rounds of \(seconds / 3) s)")
print("\("what".padding(toLength: 44, withPad: " ", startingAt: 0)) \("wall".leftPad(11)) \("cpu".leftPad(11)) \("MB/s".leftPad(7)) findings")
func selected(_ what: String) -> Bool { only.map { what.contains($0) } ?? true }
func row(_ what: String, bytes: Int, findings: Int, _ t: (wall: Double, cpu: Double)) {
    let wall = String(format: "%9.1f µs", t.wall * 1e6), cpu = String(format: "%9.1f µs", t.cpu * 1e6)
    let rate = String(format: "%7.1f", Double(bytes) / t.cpu / 1e6)
    print("\(what.padding(toLength: 44, withPad: " ", startingAt: 0)) \(wall) \(cpu) \(rate) \(findings)")
}

let chatBytes = chatRequest.messages.reduce(0) { $0 + $1.text.utf8.count }
if arguments.contains("--intent") {
    // For attribution only: the intent guardrail (Sources/Guardrails/Intent) on the same body, which the
    // gateway runs in the same `GuardrailEngine.inspect` call. Its signature database is also Vectorscan.
    let intent = try IntentDetector()
    row("gateway 2 KB chat body: intent detector", bytes: chatBytes, findings: 0, measure(seconds: seconds) {
        for m in chatRequest.messages { _ = intent.detect(m.text, role: m.role, direction: .request) }
    })
    var noSignatures = IntentConfiguration()
    noSignatures.signatures = false
    let classifierOnly = try IntentDetector(configuration: noSignatures)
    row("gateway 2 KB chat body: intent without signatures", bytes: chatBytes, findings: 0, measure(seconds: seconds) {
        for m in chatRequest.messages { _ = classifierOnly.detect(m.text, role: m.role, direction: .request) }
    })
    let withIntent = try GuardrailEngine(configuration: GuardrailsConfiguration(), textDetectors: [intent])
    row("gateway 2 KB chat body: inspect, data + intent", bytes: chatBytes, findings: withIntent.inspect(chatRequest).count,
        measure(seconds: seconds) { _ = withIntent.inspect(chatRequest) })
}
if selected("gateway 2 KB chat body: inspect (4 messages)") { row("gateway 2 KB chat body: inspect (4 messages)", bytes: chatBytes, findings: engine.inspect(chatRequest).count,
    measure(seconds: seconds) { _ = engine.inspect(chatRequest) }) }
for (label, text) in texts {
    guard selected("\(label): request inspect") else { continue }
    let request = AIRequest(operation: .chatCompletions, model: "bench", messages: [AIMessage(role: .user, text: text, location: "messages[0].content")])
    row("\(label): request inspect", bytes: text.utf8.count, findings: engine.inspect(request).count,
        measure(seconds: seconds) { _ = engine.inspect(request) })
}
let redactAll = Obligations(redact: ["pii", "secret"])
for (label, text) in texts {
    guard selected("\(label): response filter") else { continue }
    // The answer as a model streams it: about four characters per delta.
    var chunks: [String] = []
    var current = ""
    for ch in text {
        current.append(ch)
        if current.count == 4 { chunks.append(current); current = "" }
    }
    if !current.isEmpty { chunks.append(current) }
    var count = 0
    let t = measure(seconds: seconds) {
        var filter = engine.makeAnswerFilter(obligations: redactAll, vault: PseudonymVault())
        count = 0
        for c in chunks { count += filter.feed(c).findings.count }
        count += filter.finish().findings.count
    }
    row("\(label): response filter, \(chunks.count) deltas", bytes: text.utf8.count, findings: count, t)
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

// `--patterns`: Vectorscan cost of each catalogue rule alone (validators stubbed out, no context words),
// on the 100 KB text: which pattern shapes make the scan slow.
if arguments.contains("--patterns") {
    let text = option("--patterns", in: arguments) == "chat" ? chatRequest.messages.map(\.text).joined(separator: "\n") : texts[1].1
    func stubbed(_ rules: [DetectorRule]) -> [DetectorRule] {
        rules.map { r in
            var r = r
            r.validate = { _, _ in nil }
            r.contextWords = []
            r.negativeContextWords = []
            return r
        }
    }
    let all = stubbed(DataCatalogue.all)
    let whole = try Scanner(rules: all, direction: .request, streaming: false)
    let t = measure(seconds: 1) { _ = whole.scan(text) }
    print(String(format: "all %d rules: %.1f µs cpu", all.count, t.cpu * 1e6))
    var costs: [(String, Double, Int)] = []
    for rule in all {
        let one = try Scanner(rules: [rule], direction: .request, streaming: false)
        let t = measure(seconds: 0.3) { _ = one.scan(text) }
        costs.append((rule.id, t.cpu, one.databaseBytes))
    }
    for (id, cpu, size) in costs.sorted(by: { $0.1 > $1.1 }) {
        print(String(format: "%-40@ %8.1f µs %8.1f KB", id as NSString, cpu * 1e6, Double(size) / 1024))
    }
}

// `--som`: the same per-rule cost without start-of-match tracking (`reportsStart = false`).
if arguments.contains("--som") {
    let text = texts[1].1
    for id in ["pii.iban", "pii.phone.grouped", "pii.bank_account", "pii.sg_nric", "pii.credit_card", "pii.phone.us", "secret.generic"] {
        guard var rule = DataCatalogue.all.first(where: { $0.id == id }) else { continue }
        rule.validate = { _, _ in nil }
        rule.contextWords = []
        rule.negativeContextWords = []
        let with = try Scanner(rules: [rule], direction: .request, streaming: false)
        rule.reportsStart = false
        let without = try Scanner(rules: [rule], direction: .request, streaming: false)
        let a = measure(seconds: 0.5) { _ = with.scan(text) }, b = measure(seconds: 0.5) { _ = without.scan(text) }
        print(String(format: "%-24@ SOM %8.1f µs   no SOM %8.1f µs", id as NSString, a.cpu * 1e6, b.cpu * 1e6))
    }
}

// `--try PATTERN [--caseless]`: cost of one ad-hoc pattern (no validator) on the 100 KB text, with its hit count.
if let pattern = option("--try", in: arguments) {
    let text = arguments.contains("--chat") ? chatRequest.messages.map(\.text).joined(separator: "\n") : texts[1].1
    var rule = DetectorRule(id: "try", category: "custom.try", pattern: pattern, caseless: arguments.contains("--caseless"), validate: { _, _ in nil })
    rule.reportsStart = !arguments.contains("--no-som")
    let scanner = try Scanner(rules: [rule], direction: .request, streaming: false)
    let t = measure(seconds: 1) { _ = scanner.scan(text) }
    print(String(format: "%8.1f µs  %@", t.cpu * 1e6, pattern as NSString))
}

// `--cold`: the gateway runs one scan per request between lots of other work, so the scan often starts
// with its database out of the CPU caches. Evicts the caches (writes 32 MB) before each call and reports
// the data scan and the intent guardrail on the chat body, with the compiled database sizes.
if arguments.contains("--cold") {
    var junk = [UInt8](repeating: 1, count: 32 << 20)
    func evict() { for i in stride(from: 0, to: junk.count, by: 64) { junk[i] &+= 1 } }
    func coldMeasure(_ body: () -> Void) -> Double {
        var total = 0.0
        for _ in 0..<200 {
            evict()
            let c0 = cpuSeconds()
            body()
            total += cpuSeconds() - c0
        }
        return total / 200
    }
    let dataScanner = try Scanner(rules: DataCatalogue.all, direction: .request, streaming: false, minimumScore: 0.5, normalises: true)
    let signatures = try Scanner(rules: IntentSignatures.rules, direction: .request, streaming: false)
    let intent = try IntentDetector()
    let texts = chatRequest.messages.map(\.text)
    print(String(format: "databases: data (request) %.0f KB, intent signatures %.0f KB", Double(dataScanner.databaseBytes) / 1024, Double(signatures.databaseBytes) / 1024))
    print(String(format: "chat body, caches evicted before each call (CPU µs): data scan %.1f, intent signatures %.1f, intent detector (all) %.1f",
                 coldMeasure { for t in texts { _ = dataScanner.scan(t) } } * 1e6,
                 coldMeasure { for t in texts { _ = signatures.scan(t) } } * 1e6,
                 coldMeasure { for m in chatRequest.messages { _ = intent.detect(m.text, role: m.role, direction: .request) } } * 1e6))
    print(String(format: "same, warm: data scan %.1f, intent signatures %.1f",
                 measure(seconds: 1) { for t in texts { _ = dataScanner.scan(t) } }.cpu * 1e6,
                 measure(seconds: 1) { for t in texts { _ = signatures.scan(t) } }.cpu * 1e6))
    _ = junk.count
}

// `--sizes`: compiled size of the request database with and without start-of-match tracking.
if arguments.contains("--sizes") {
    let with = try Scanner(rules: DataCatalogue.all, direction: .request, streaming: false, minimumScore: 0.5, normalises: true)
    let without = try Scanner(rules: DataCatalogue.all.map { r in var r = r; r.reportsStart = false; return r }, direction: .request, streaming: false, minimumScore: 0.5)
    let noWords = try Scanner(rules: DataCatalogue.all.map { r in var r = r; r.contextWords = []; r.negativeContextWords = []; return r }, direction: .request, streaming: false)
    print(String(format: "request database: %.0f KB; without SOM %.0f KB; without context words %.0f KB", Double(with.databaseBytes) / 1024, Double(without.databaseBytes) / 1024, Double(noWords.databaseBytes) / 1024))
    let withExfiltration = try GuardrailEngine(configuration: GuardrailsConfiguration(), extraRules: ExfiltrationDetector().rules)
    print("response hold-back: \(engine.responseHoldBack) bytes (catalogue), \(withExfiltration.responseHoldBack) bytes (with the intent guardrail's exfiltration rules)")
}

// `--short`: cost per short text (a tool-schema description), data scan and intent detector.
if arguments.contains("--short") {
    let intent = try IntentDetector()
    let text = "The ISO 4217 currency code of the amount, e.g. SGD"
    let d = measure(seconds: 1) { _ = engine.scan(text, direction: .request, role: .system) }
    let i = measure(seconds: 1) { _ = intent.detect(text, role: .system, direction: .request) }
    print(String(format: "short text (%d bytes): data scan %.2f µs, intent detector %.2f µs", text.utf8.count, d.cpu * 1e6, i.cpu * 1e6))
}
