import Core
import Testing
@testable import Gateway

@Suite struct MetricsTests {
    func trail(provider: String?, model: String) -> RequestTrail {
        var t = RequestTrail(context: RequestContext(requestID: "r", route: "/v1/chat/completions"))
        t.provider = provider
        t.modelRequested = model
        t.finished = .now
        return t
    }

    @Test func unknownModelNamesDoNotBecomeLabels() {
        let metrics = GatewayMetrics()
        for i in 0..<50 {
            let name = "attacker-chosen-\(i)"
            metrics.recordRequest(route: "/v1/chat/completions", status: 404, model: name, trail: trail(provider: nil, model: name))
        }
        metrics.recordRequest(route: "/v1/chat/completions", status: 200, model: "gpt-test", trail: trail(provider: "mock", model: "gpt-test"))
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(!text.contains("attacker-chosen"))
        #expect(text.contains(#"portcullis_requests_total{route="/v1/chat/completions",status="404",model=""} 50"#))
        #expect(text.contains(#"portcullis_requests_total{route="/v1/chat/completions",status="200",model="gpt-test"} 1"#))
        #expect(text.contains(#"portcullis_request_duration_seconds_count{route="/v1/chat/completions"} 51"#))
    }
}
