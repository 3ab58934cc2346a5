import Core
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// Cuts drop the connection: these run against a live server and read the raw bytes.
@Suite struct CutStreamTests {
    @Test func cutAfterHeaderClosesTheConnectionAfterNDeltasWithoutDone() async throws {
        try await mockApp(.init(port: 0, chunkSize: 2)).test(.live) { client in
            let port = try #require(client.port)
            let raw = try await RawHTTP.exchange(
                port: port, path: "/v1/chat/completions", headers: ["x-mock-cut-after": "3"],
                body: ##"{"model":"m","stream":true,"messages":[{"role":"user","content":"#say abcdefghijkl"}]}"##)
            #expect(raw.hasPrefix("HTTP/1.1 200"))
            #expect(raw.contains("transfer-encoding: chunked"))
            #expect(!raw.contains("[DONE]"))
            #expect(!raw.contains("finish_reason\":\"stop"))
            #expect(!raw.hasSuffix("0\r\n\r\n"), "the chunked body must not be terminated")
            #expect(raw.components(separatedBy: "\"delta\":{\"content\":").count - 1 == 3)
            #expect(raw.contains("\"content\":\"ef\"") && !raw.contains("\"content\":\"gh\""))

            let log = try await RawHTTP.exchange(port: port, method: "GET", path: "/mock/requests", body: "")
            #expect(log.contains("\"outcome\":\"stream_cut\""))
        }
    }

    @Test func cutModelsWorkForEveryStreamingAPI() async throws {
        try await mockApp(.init(port: 0, chunkSize: 1)).test(.live) { client in
            let port = try #require(client.port)
            let anthropic = try await RawHTTP.exchange(
                port: port, path: "/v1/messages", headers: ["anthropic-version": "2023-06-01"],
                body: ##"{"model":"mock-cut","max_tokens":9,"stream":true,"messages":[{"role":"user","content":"#say xyz!"}]}"##)
            #expect(anthropic.components(separatedBy: "event: content_block_delta").count - 1 == 2)
            #expect(!anthropic.contains("message_stop"))
            let responses = try await RawHTTP.exchange(
                port: port, path: "/v1/responses", body: ##"{"model":"mock-gpt+cut=1","stream":true,"input":"#say xyz!"}"##)
            #expect(responses.components(separatedBy: "event: response.output_text.delta").count - 1 == 1)
            #expect(!responses.contains("response.completed"))
        }
    }

    @Test func cutNonStreamingBodyIsTruncated() async throws {
        try await mockApp(.init(port: 0)).test(.live) { client in
            let port = try #require(client.port)
            let raw = try await RawHTTP.exchange(
                port: port, path: "/v1/chat/completions", headers: ["x-mock-cut-after": "2", "x-mock-chunk-size": "5"],
                body: ##"{"model":"m","messages":[{"role":"user","content":"hi"}]}"##)
            let body = try #require(raw.components(separatedBy: "\r\n\r\n").dropFirst().first)
            #expect(body == "a\r\n{\"id\":\"cha\r\n")  // one chunk of 10 bytes, then the connection closes
            #expect(!raw.contains("}"))
        }
    }

    @Test func liveStreamWithDelayCompletes() async throws {
        try await mockApp(.init(port: 0, chunkDelayMs: 5)).test(.live) { client in
            let port = try #require(client.port)
            let raw = try await RawHTTP.exchange(
                port: port, path: "/v1/chat/completions",
                body: ##"{"model":"m","stream":true,"messages":[{"role":"user","content":"#say 0123456789"}]}"##)
            #expect(raw.contains("data: [DONE]\n\n"))
            #expect(raw.hasSuffix("0\r\n\r\n"))
        }
    }

    @Test func clientThatGoesAwayMidStreamIsRecordedAsDisconnected() async throws {
        try await mockApp(.init(port: 0, chunkSize: 1, chunkDelayMs: 20)).test(.live) { client in
            let port = try #require(client.port)
            let read = try await RawHTTP.abandon(
                port: port, path: "/v1/chat/completions",
                body: ##"{"model":"m","stream":true,"messages":[{"role":"user","content":"#lorem 200"}]}"##,
                after: "\"content\":\"l\"")
            #expect(read.contains("\"content\":\"l\""))
            // The server learns of the close on a later write; wait for it (bounded), then check the record.
            var outcome = ""
            for _ in 0..<100 {
                let log = try await RawHTTP.exchange(port: port, method: "GET", path: "/mock/requests", body: "")
                if log.contains("\"outcome\":\"client_disconnected\"") {
                    outcome = "client_disconnected"
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(outcome == "client_disconnected")
        }
    }
}
