import Testing

@testable import AuditStreaming

@Suite struct SyslogMessageTests {
    let format = SyslogMessage(facility: 13, severity: 6, refusalSeverity: 4, hostname: "gw-1", processID: "77")

    func record(_ sequence: Int, phase: String = "end", outcome: String? = "allowed", line: String = #"{"class_uid":6003}"#) -> StreamedRecord {
        StreamedRecord(sequence: sequence, phase: phase, time: "2026-01-02T03:04:05.678Z", outcome: outcome, line: line)
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func messageIsRFC5424WithTheRecordsTimePhaseAndSequence() {
        #expect(text(format.message(record(42))) == #"<110>1 2026-01-02T03:04:05.678Z gw-1 portcullis 77 end [meta sequenceId="42"] {"class_uid":6003}"#)
    }

    @Test func refusalsAndBlocksTakeTheRefusalSeverity() {
        for outcome in ["refused_auth", "refused_policy", "refused_limit", "blocked_guardrail", "refused_integrity"] {
            #expect(text(format.message(record(1, phase: "complete", outcome: outcome))).hasPrefix("<108>1 "), "\(outcome)")
        }
        for outcome in ["allowed", "cache_hit", "upstream_error", "timeout", "aborted", "invalid_request"] {
            #expect(text(format.message(record(1, outcome: outcome))).hasPrefix("<110>1 "), "\(outcome)")
        }
        // A begin does not know its outcome yet.
        #expect(text(format.message(record(1, phase: "begin", outcome: nil))).hasPrefix("<110>1 "))
        let local0 = SyslogMessage(facility: 16, severity: 5, refusalSeverity: 2, hostname: "h", processID: "1")
        #expect(text(local0.message(record(1))).hasPrefix("<133>1 "))
        #expect(text(local0.message(record(1, outcome: "refused_policy"))).hasPrefix("<130>1 "))
    }

    @Test func messageTextIsASCIIJSONWithEscapesForEverythingElse() {
        let line = #"{"user":"Zoë","note":"日本","face":"😀","sep":"a"# + "\u{2028}" + #"b"}"#
        let message = text(format.message(record(7, line: line)))
        #expect(message.utf8.allSatisfy { $0 < 0x80 })
        #expect(message.hasSuffix(#"{"user":"Zo\u00eb","note":"\u65e5\u672c","face":"\ud83d\ude00","sep":"a\u2028b"}"#))
        #expect(!message.contains("\n"))
    }

    @Test func headerFieldsAreReducedToPrintableASCII() {
        let odd = SyslogMessage(hostname: "my host\tname", processID: "")
        #expect(odd.hostname == "myhostname")
        #expect(odd.processID == "-")
        #expect(SyslogMessage(hostname: "", processID: "1").hostname == "-")
        #expect(SyslogMessage(hostname: String(repeating: "h", count: 300), processID: "1").hostname.count == 255)
    }

    @Test func sequenceIDRestartsAtOneAfterItsMaximum() {
        #expect(text(format.message(record(2_147_483_647))).contains(#"[meta sequenceId="2147483647"]"#))
        #expect(text(format.message(record(2_147_483_648))).contains(#"[meta sequenceId="1"]"#))
    }

    @Test func framesAreOctetCountedAndParseBack() {
        var stream: [UInt8] = []
        let records = [record(1), record(2, line: #"{"x":"é"}"#), record(3, phase: "complete", outcome: "refused_policy")]
        for r in records { SyslogMessage.frame(format.message(r), into: &stream) }
        // Parse as a receiver does: digits, one space, exactly that many octets.
        var parsed: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            var length = 0
            while stream[i] != 0x20 {
                length = length * 10 + Int(stream[i] - 0x30)
                i += 1
            }
            i += 1
            parsed.append(Array(stream[i..<(i + length)]))
            i += length
        }
        #expect(parsed == records.map { format.message($0) })
        let header = "\(format.message(records[0]).count) "
        #expect(text(Array(stream.prefix(header.utf8.count))) == header)
    }
}
