import Audit
import Core
import Foundation
import Synchronization
import Testing

@testable import AuditStreaming

/// A collector that fails the attempts its script says to, and remembers what it accepted and where the
/// stored cursor stood at each attempt.
actor ScriptedCollector: StreamTransport {
    /// true: accept the attempt; false: fail it. Attempts beyond the script follow `otherwise`.
    var script: [Bool]
    var otherwise: Bool
    let store: any AuditStore
    let cursorKey: String
    private(set) var accepted: [StreamedRecord] = []
    private(set) var attempts: [(first: Int, last: Int, storedCursor: Int)] = []

    init(script: [Bool], otherwise: Bool = true, store: any AuditStore, cursorKey: String) {
        self.script = script
        self.otherwise = otherwise
        self.store = store
        self.cursorKey = cursorKey
    }

    func deliver(_ records: [StreamedRecord]) async throws {
        let stored = Int(try await store.metadata(cursorKey) ?? "0") ?? -1
        attempts.append((records.first?.sequence ?? 0, records.last?.sequence ?? 0, stored))
        let ok = script.isEmpty ? otherwise : script.removeFirst()
        guard ok else { throw StreamDeliveryError("scripted failure") }
        accepted += records
    }

    func failFromNowOn() { otherwise = false }
    func close() async {}
}

func scratchDirectory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-tests-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func openTrail(_ dir: String) async throws -> AuditTrail {
    try CheckpointSigner.generateKeyFile(at: dir + "/signing.key")
    let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try SecretReference("file:\(dir)/signing.key"))
    return try await AuditTrail.open(configuration: config)
}

/// One request as the gateway writes it: begin and end, or a single complete record for a refusal.
func writeRequest(_ trail: AuditTrail, _ n: Int, refused: Bool = false) async throws {
    let ctx = RequestContext(requestID: "req-\(n)", clientIP: "10.0.0.7", route: "/v1/chat/completions")
    var r = AuditRecord(
        trailID: TrailID.make(), phase: .begin, context: ctx, operation: .chatCompletions,
        principal: Principal(issuer: "https://idp.example", subject: "alice", kind: .user, groups: ["staff"]))
    r.modelRequested = "gpt-test"
    r.requestBody = Array("{\"messages\":[\"secret prompt \(n)\"]}".utf8)
    if refused {
        r.outcome = .refusedPolicy
        r.status = 403
        try await trail.complete(r)
        return
    }
    try await trail.begin(r)
    var e = AuditRecord(trailID: r.trailID, phase: .end, context: ctx, operation: .chatCompletions, principal: nil)
    e.outcome = .allowed
    e.status = 200
    e.responseBody = Array("{\"answer\":\"ok\"}".utf8)
    try await trail.end(e)
}

func fastTiming(lease: Double = 30) -> AuditStream.Timing {
    var t = AuditStream.Timing()
    t.leaseSeconds = lease
    t.pollInterval = .milliseconds(5)
    t.idleReadInterval = .milliseconds(50)
    t.standbyInterval = .milliseconds(20)
    t.firstRetry = .milliseconds(5)
    return t
}

func streamConfiguration(batch: Int, maxBacklog: Int = 1_000_000, stalledAfter: Double = 300) -> AuditStreamConfiguration {
    AuditStreamConfiguration(
        name: "siem", destination: .https(HTTPSDestination(url: "https://siem.example/intake", bearer: try! SecretReference("env:X"))),
        batchRecords: batch, maxBacklogRecords: maxBacklog, retryMaxSeconds: 0.5, stalledAfterSeconds: stalledAfter)
}

/// Waits (polling, at most 20 s) until `condition` holds.
func eventually(_ what: Comment, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting: \(what)")
}

@Suite struct StreamDeliveryTests {
    @Test func cursorMovesOnlyPastAcceptedBatchesAndNothingIsLostSkippedOrReordered() async throws {
        let trail = try await openTrail(scratchDirectory())
        for n in 1...5 { try await writeRequest(trail, n, refused: n == 3) }  // 9 records
        let store = trail.store
        let config = streamConfiguration(batch: 4)
        // Fail three times, accept, fail twice, then accept everything.
        let collector = ScriptedCollector(script: [false, false, false, true, false, false], store: store, cursorKey: "stream.siem.cursor")
        let stream = AuditStream(
            configuration: config, store: store, transport: collector, holder: "test", committedSequence: { trail.committedSequence },
            timing: fastTiming())
        stream.start()
        try await eventually("all 9 records accepted") { await collector.accepted.count >= 9 }

        // More records after the stream has caught up: it wakes up for them.
        for n in 6...7 { try await writeRequest(trail, n) }
        try await eventually("all 13 records accepted") { await collector.accepted.count >= 13 }
        try await eventually("cursor saved") { try await store.metadata("stream.siem.cursor") == "13" }
        await stream.stop()

        let accepted = await collector.accepted
        #expect(accepted.map(\.sequence) == Array(1...13))
        // Every attempt started right after the stored cursor: a failed batch was offered again, whole.
        let attempts = await collector.attempts
        #expect(attempts.count >= 6 + 3)
        for a in attempts { #expect(a.first == a.storedCursor + 1, "attempt \(a)") }
        #expect(attempts.prefix(4).allSatisfy { $0.first == 1 && $0.last == 4 })
        #expect(attempts[4...6].allSatisfy { $0.first == 5 && $0.last == 8 })
        // Each line is the record's OCSF event; begins are marked as such; no prompt text (hash mode).
        for r in accepted {
            let event = try JSONDecoder().decode(JSONValue.self, from: Data(r.line.utf8))
            #expect(event["metadata"]?["sequence"]?.intValue == r.sequence)
            #expect(event["unmapped"]?["phase"]?.stringValue == r.phase)
            #expect(event["class_uid"]?.intValue == 6003)
            if r.phase == "begin" { #expect(event["status"]?.stringValue == "Unknown") }
            // An end record is filled from its begin: the principal is there.
            if r.phase == "end" { #expect(event["actor"]?["user"]?["uid"]?.stringValue == "alice") }
            #expect(!r.line.contains("secret prompt"))
        }
        let snapshot = stream.health.snapshot()
        #expect(snapshot.sent == 13)
        #expect(snapshot.failures == 5)
        #expect(snapshot.backlog == 0)
        #expect(snapshot.cursor == 13)
        #expect(snapshot.lastSuccess != nil)
        await trail.close()
    }

    @Test func aRestartResendsOnlyTheUnacknowledgedBatchAndAnotherHolderTakesOverAfterTheLease() async throws {
        let trail = try await openTrail(scratchDirectory())
        for n in 1...3 { try await writeRequest(trail, n) }  // 6 records
        let store = trail.store
        let config = streamConfiguration(batch: 4)
        let first = ScriptedCollector(script: [true], otherwise: false, store: store, cursorKey: "stream.siem.cursor")
        let a = AuditStream(
            configuration: config, store: store, transport: first, holder: "process-a", committedSequence: { trail.committedSequence },
            timing: fastTiming(lease: 0.3))
        a.start()
        try await eventually("first batch accepted, second failing") { await first.attempts.count >= 3 }
        // Process A goes away without a drain (its collector keeps failing): its lease runs out.
        await a.stop(drain: .zero)
        #expect(try await store.metadata("stream.siem.cursor") == "4")

        let second = ScriptedCollector(script: [], store: store, cursorKey: "stream.siem.cursor")
        let b = AuditStream(
            configuration: config, store: store, transport: second, holder: "process-b", committedSequence: { trail.committedSequence },
            timing: fastTiming(lease: 0.3))
        b.start()
        try await eventually("B sends the rest") { await second.accepted.count >= 2 }
        await b.stop()
        #expect(await second.accepted.map(\.sequence) == [5, 6])
        #expect(await first.accepted.map(\.sequence) == [1, 2, 3, 4])
        await trail.close()
    }

    @Test func aStreamWithoutTheLeaseSendsNothing() async throws {
        let trail = try await openTrail(scratchDirectory())
        try await writeRequest(trail, 1)
        let store = trail.store
        #expect(try await store.claimLease("stream.siem", holder: "other-replica", seconds: 60))
        let collector = ScriptedCollector(script: [], store: store, cursorKey: "stream.siem.cursor")
        let stream = AuditStream(
            configuration: streamConfiguration(batch: 10), store: store, transport: collector, holder: "me",
            committedSequence: { trail.committedSequence }, timing: fastTiming())
        stream.start()
        try await Task.sleep(for: .milliseconds(200))
        await stream.stop()
        #expect(await collector.attempts.isEmpty)
        #expect(!stream.health.snapshot().holdsLease)
        #expect(stream.health.isReady())  // another replica sends: this one is not behind
        await trail.close()
    }

    @Test func readinessFailsWhenTheBacklogPassesItsMaximumOrDeliveriesStall() async throws {
        let trail = try await openTrail(scratchDirectory())
        for n in 1...2 { try await writeRequest(trail, n) }  // 4 records
        let store = trail.store
        let collector = ScriptedCollector(script: [], otherwise: false, store: store, cursorKey: "stream.siem.cursor")
        let stream = AuditStream(
            configuration: streamConfiguration(batch: 10, maxBacklog: 3, stalledAfter: 3600), store: store, transport: collector,
            holder: "me", committedSequence: { trail.committedSequence }, timing: fastTiming())
        stream.start()
        try await eventually("failing") { stream.health.snapshot().failures >= 2 }
        let s = stream.health.snapshot()
        #expect(s.backlog == 4)
        #expect(s.holdsLease)
        #expect(!stream.health.isReady())  // 4 > 3
        await stream.stop(drain: .zero)

        let patient = ScriptedCollector(script: [], otherwise: false, store: store, cursorKey: "stream.siem.cursor")
        let stalled = AuditStream(
            configuration: streamConfiguration(batch: 10, maxBacklog: 100, stalledAfter: 60), store: store, transport: patient,
            holder: "me", committedSequence: { trail.committedSequence }, timing: fastTiming())
        stalled.start()
        try await eventually("failing") { stalled.health.snapshot().failures >= 1 }
        #expect(stalled.health.isReady(now: .now))  // failing, not yet for long
        #expect(!stalled.health.isReady(now: .now + .seconds(61)))
        await stalled.stop(drain: .zero)
        await trail.close()
    }

    @Test func stoppingSendsWhatIsLeftWhenTheCollectorTakesIt() async throws {
        let trail = try await openTrail(scratchDirectory())
        let store = trail.store
        let collector = ScriptedCollector(script: [], store: store, cursorKey: "stream.siem.cursor")
        let stream = AuditStream(
            configuration: streamConfiguration(batch: 2), store: store, transport: collector, holder: "me",
            committedSequence: { trail.committedSequence }, timing: fastTiming())
        stream.start()
        try await eventually("lease taken") { stream.health.snapshot().holdsLease }
        for n in 1...3 { try await writeRequest(trail, n) }
        await stream.stop(drain: .seconds(10))
        #expect(await collector.accepted.map(\.sequence) == Array(1...6))
        #expect(try await store.metadata("stream.siem.cursor") == "6")
        await trail.close()
    }
}
