import Core
import Foundation
import Testing

@testable import Audit

/// Records and a content envelope exactly as a gateway built before the one canonical writer (Support's
/// `CanonicalJSON`) stored them (`tests/audit/crash.sh` with `content: redacted`, copied from the database).
/// The writer of today must produce the same bytes from the same values: the chain hashes stored bytes, so
/// old trails verify anyway, but one record must never have two canonical forms (note `"cost":0.0`).
@Suite struct StoredRecordTests {
    static let records: [String] = [
        ##"{"action":"models.list","cache_hit":false,"client_ip":"127.0.0.1","findings":[],"latency":{"gateway_overhead_ms":0.050616,"total_ms":0.050616},"outcome":"refused_auth","phase":"complete","refusal_reason":"missing credentials","request_id":"a6991ae9-2c52-43e7-9a9e-8d84b3f1fcb3","route":"/v1/models","sequence":1,"status":401,"time":"2026-12-07T03:53:49.727Z","trail_id":"01a24ea2-eb9e-72d0-ab5f-f9d3f4d797c1"}"##,
        ##"{"action":"chat.completions","cache_hit":false,"client_ip":"127.0.0.1","content":{"content_sha256":"65be956d76f8754256da0bcbb22b7a14c893840fc4f556dde9309c6f5043a935","mode":"redacted","response_bytes":3020},"cost":0.0,"currency":"USD","decision":{"determining_policies":["policy0"],"effect":"allow","errors":[],"policy_set_hash":"ae6f3bbc10d4275226be91b066f1cc3f381fdfef0924005ad6d9c410c2f9d5df"},"findings":[],"latency":{"gateway_overhead_ms":4.127764,"time_to_first_token_ms":27.021248,"total_ms":27.832476,"upstream_ms":23.704712},"model_requested":"gpt-4o-mini","model_served":"mock-gpt","obligations":{"pseudonymise":[],"redact":[]},"outcome":"allowed","phase":"end","principal":{"authentication_method":"jwt","groups":[],"issuer":"http://127.0.0.1:18580/dev-idp","kind":"user","subject":"crash-test"},"provider":"mock","request_id":"crash-0-3-85c56efe","route":"/v1/chat/completions","sequence":21,"status":200,"streamed_bytes":2670,"time":"2026-12-07T03:53:50.035Z","trail_id":"01a24ea2-ecb1-7ac2-9753-0c44bde869fc","usage":{"inputTokens":6,"outputTokens":8}}"##,
        ##"{"action":"chat.completions","client_ip":"127.0.0.1","decision":{"determining_policies":["policy0"],"effect":"allow","errors":[],"policy_set_hash":"ae6f3bbc10d4275226be91b066f1cc3f381fdfef0924005ad6d9c410c2f9d5df"},"findings":[],"model_requested":"gpt-4o-mini","model_served":"mock-gpt","obligations":{"pseudonymise":[],"redact":[]},"outcome":"aborted","phase":"aborted","principal":{"authentication_method":"jwt","groups":[],"issuer":"http://127.0.0.1:18580/dev-idp","kind":"user","subject":"crash-test"},"provider":"mock","refusal_reason":"gateway stopped before the request completed","request_id":"crash-1-77-c2605d92","route":"/v1/chat/completions","sequence":625,"time":"2026-12-07T03:54:17.286Z","trail_id":"01a24ea2-f783-7eb6-8dfe-93ff6ad301d1"}"##,
    ]

    static let envelope =
        ##"{"response":"eyJjaG9pY2VzIjpbeyJmaW5pc2hfcmVhc29uIjoic3RvcCIsImluZGV4IjowLCJsb2dwcm9icyI6bnVsbCwibWVzc2FnZSI6eyJhbm5vdGF0aW9ucyI6W10sImNvbnRlbnQiOiJFY2hvOiBoZWxsbyBjcmFzaC0yLTEtYTFmMzdkNGYiLCJyZWZ1c2FsIjpudWxsLCJyb2xlIjoiYXNzaXN0YW50In19XSwiY3JlYXRlZCI6MTc5NjYxNTYyOSwiaWQiOiJjaGF0Y21wbC1tb2NrLTIiLCJtb2RlbCI6Im1vY2stZ3B0Iiwib2JqZWN0IjoiY2hhdC5jb21wbGV0aW9uIiwic2VydmljZV90aWVyIjoiZGVmYXVsdCIsInN5c3RlbV9maW5nZXJwcmludCI6ImZwX21vY2siLCJ1c2FnZSI6eyJjb21wbGV0aW9uX3Rva2VucyI6OCwiY29tcGxldGlvbl90b2tlbnNfZGV0YWlscyI6eyJhY2NlcHRlZF9wcmVkaWN0aW9uX3Rva2VucyI6MCwiYXVkaW9fdG9rZW5zIjowLCJyZWFzb25pbmdfdG9rZW5zIjowLCJyZWplY3RlZF9wcmVkaWN0aW9uX3Rva2VucyI6MH0sInByb21wdF90b2tlbnMiOjYsInByb21wdF90b2tlbnNfZGV0YWlscyI6eyJhdWRpb190b2tlbnMiOjAsImNhY2hlZF90b2tlbnMiOjB9LCJ0b3RhbF90b2tlbnMiOjE0fX0="}"##

    @Test(arguments: records)
    func storedRecordsAreWrittenAgainByteForByte(_ stored: String) throws {
        let bytes = Array(stored.utf8)
        let record = try CanonicalEncoding.decoder().decode(AuditRecord.self, from: Data(bytes))
        let time = try #require(try JSONParser.parse(bytes)["time"]?.stringValue)
        #expect(String(decoding: CanonicalRecordWriter.encode(record, time: time), as: UTF8.self) == stored)
        #expect(String(decoding: record.canonical(time: time).serialized(), as: UTF8.self) == stored)
    }

    @Test func aStoredEnvelopeIsWrittenAgainByteForByte() throws {
        let stored = Array(Self.envelope.utf8)
        let opened = try ContentCapture.open(stored: stored, key: nil, trailID: "any")
        let again = try ContentCapture.envelope(request: opened.request.map(Array.init), response: opened.response.map(Array.init))
        #expect(again == stored)
    }
}
