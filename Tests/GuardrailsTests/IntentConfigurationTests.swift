import Foundation
import Testing
@testable import Guardrails

@Suite("Intent configuration")
struct IntentConfigurationTests {
    func decode(_ json: String) throws -> IntentConfiguration {
        try JSONDecoder().decode(IntentConfiguration.self, from: Data(json.utf8))
    }

    @Test func defaultsApplyForAnEmptySection() throws {
        let c = try decode("{}")
        #expect(c == IntentConfiguration())
        #expect(c.enabled && c.signatures && c.flagInstructions)
        #expect(c.judge == nil)
    }

    @Test func snakeCaseKeysDecode() throws {
        let c = try decode(#"""
            {"thresholds":{"tool":0.2},"harmful_threshold":0.7,"canaries":["zebra-canary-1"],
             "link_allow_list":["*.example.com"],"flag_instructions":false,
             "judge":{"url":"https://guard.local/v1/chat/completions","kind":"chat","timeout_ms":500,"api_key":"env:K"}}
            """#)
        #expect(c.thresholds.tool == 0.2)
        #expect(c.thresholds.user == IntentConfiguration.RoleThresholds().user)
        #expect(c.harmfulThreshold == 0.7)
        #expect(c.linkAllowList == ["*.example.com"])
        #expect(!c.flagInstructions)
        #expect(c.judge?.kind == .chat)
        #expect(c.judge?.fail == .closed)
        #expect(c.judge?.timeoutMilliseconds == 500)
    }

    @Test func unknownKeysAreRejectedAtEveryLevel() {
        #expect(throws: DecodingError.self) { try decode(#"{"threshold":{"user":0.5}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"thresholds":{"users":0.5}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"judge":{"url":"http://x","timeout":5}}"#) }
    }

    @Test func invalidValuesAreRejected() {
        #expect(throws: (any Error).self) { try decode(#"{"thresholds":{"user":1.5}}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"canaries":["abc"]}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"judge":{"url":"ftp://x"}}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"judge":{"url":"http://x","api_key":"sk-literal"}}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"judge":{"url":"http://x","timeout_ms":0}}"#) }
    }
}
