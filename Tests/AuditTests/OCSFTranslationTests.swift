import Core
import Foundation
import Testing

@testable import Audit

/// The streams and `audit export --format ocsf` share one translation: the events of finished requests are
/// the same lines; the streams add an event for each begin.
@Suite struct OCSFTranslationTests {
    @Test func streamedEventsOfFinishedRequestsAreTheExportedLines() async throws {
        let dir = scratchDirectory()
        let (config, _) = try await CommandLineTests.log(dir)
        let exported = Lines()
        #expect(await AuditCommandLine.export(db: config.path, format: .ocsf, out: exported.sink, err: Lines().sink) == 0)

        let store = try SQLiteAuditStore(path: config.path)
        let rows = try await store.records(after: 0, limit: 100)
        var translation = OCSFTranslation()
        var streamed: [(phase: String, line: String)] = []
        for row in rows { streamed.append((row.phase, try OCSFTranslation.line(try await translation.event(row)))) }
        #expect(streamed.filter { $0.phase != "begin" }.map(\.line) == exported.all)
        let begins = streamed.filter { $0.phase == "begin" }
        #expect(begins.count == 2)
        for b in begins {
            let e = try JSONDecoder().decode(JSONValue.self, from: Data(b.line.utf8))
            #expect(e["status_id"] == 0)
            #expect(e["status"] == "Unknown")
        }
        try await store.close()
    }

    @Test func anEndWhoseBeginIsNoLongerRememberedIsFilledFromTheStore() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        let ctx = RequestContext(requestID: "r1", clientIP: "10.0.0.7", route: "/v1/chat/completions")
        var begin = AuditRecord(trailID: TrailID.make(), phase: .begin, context: ctx, operation: .chatCompletions, principal: principal("alice"))
        begin.modelRequested = "gpt-test"
        try await trail.begin(begin)
        // An end that carries only what happened.
        var end = AuditRecord(trailID: begin.trailID, phase: .end, context: ctx, operation: .chatCompletions, principal: nil)
        end.outcome = .allowed
        try await trail.end(end)
        await trail.close()

        let store = try SQLiteAuditStore(path: config.path)
        let rows = try await store.records(after: 0, limit: 100)
        #expect(rows.map(\.phase) == ["begin", "end"])
        // A fresh translation (a restarted stream) sees the end without its begin.
        var fresh = OCSFTranslation()
        let unfilled = try await fresh.event(rows[1])
        var lookup = OCSFTranslation()
        let filled = try await lookup.event(rows[1]) { try await store.begin(ofTrail: $0) }
        var remembered = OCSFTranslation()
        _ = try await remembered.event(rows[0])
        #expect(try await remembered.event(rows[1]) == filled)
        #expect(filled["actor"]?["user"]?["uid"] == "alice")
        #expect(filled["resources"]?[0]?["name"] == "gpt-test")
        #expect(unfilled["actor"] == nil)
        try await store.close()
    }
}
