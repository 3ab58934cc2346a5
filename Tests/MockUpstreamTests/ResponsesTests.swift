import Core
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct ResponsesTests {
    @Test func nonStreamingResponseObject() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"mock-gpt","instructions":"be nice","input":[{"role":"user","content":[{"type":"input_text","text":"#say Bonjour"}]}]}"##
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                #expect($0.status == .ok)
                let json = Wire.object($0.body)
                #expect(json["object"] == "response")
                #expect(json["status"] == "completed")
                #expect(json["id"]?.stringValue?.hasPrefix("resp_") == true)
                #expect(json["instructions"] == "be nice")
                #expect(json["model"] == "mock-gpt")
                let item = try #require(json["output"]?[0])
                #expect(item["type"] == "message")
                #expect(item["role"] == "assistant")
                #expect(item["status"] == "completed")
                #expect(item["content"]?[0]?["type"] == "output_text")
                #expect(item["content"]?[0]?["text"] == "Bonjour")
                #expect(item["content"]?[0]?["annotations"] == .array([]))
                // "be nice" + "#say Bonjour" = 19 scalars → 5; "Bonjour" → 2 pieces.
                #expect(json["usage"]?["input_tokens"] == 5)
                #expect(json["usage"]?["output_tokens"] == 2)
                #expect(json["usage"]?["total_tokens"] == 7)
            }
        }
    }

    @Test func maxOutputTokensMakesTheResponseIncomplete() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","input":"#say 0123456789","max_output_tokens":1}"##
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let json = Wire.object($0.body)
                #expect(json["status"] == "incomplete")
                #expect(json["incomplete_details"]?["reason"] == "max_output_tokens")
                #expect(json["output"]?[0]?["content"]?[0]?["text"] == "0123")
            }
        }
    }

    @Test func streamSendsTheEventSequenceWithSequenceNumbers() async throws {
        try await mockApp(.init(chunkSize: 4)).test(.router) { client in
            let body = ##"{"model":"m","stream":true,"input":"#say abcdefghij"}"##
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let events = Wire.events($0.body)
                #expect(
                    events.map { $0.name ?? "" } == [
                        "response.created", "response.in_progress", "response.output_item.added",
                        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                        "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                        "response.output_item.done", "response.completed",
                    ])
                let data = try events.map { try Wire.parse($0.data) }
                for (i, event) in data.enumerated() {
                    #expect(event["type"]?.stringValue == events[i].name)
                    #expect(event["sequence_number"]?.intValue == i)
                }
                #expect(data[0]["response"]?["status"] == "in_progress")
                #expect(data[0]["response"]?["output"] == .array([]))
                let itemID = try #require(data[2]["item"]?["id"]?.stringValue)
                #expect(data[4...6].map { $0["item_id"]?.stringValue } == [itemID, itemID, itemID])
                #expect(data[4...6].compactMap { $0["delta"]?.stringValue } == ["abcd", "efgh", "ij"])
                #expect(data[7]["text"] == "abcdefghij")
                #expect(data[8]["part"]?["text"] == "abcdefghij")
                #expect(data[9]["item"]?["status"] == "completed")
                #expect(data[10]["response"]?["status"] == "completed")
                #expect(data[10]["response"]?["output"]?[0]?["content"]?[0]?["text"] == "abcdefghij")
                #expect(data[10]["response"]?["usage"]?["output_tokens"] == 3)
                #expect(!String(buffer: $0.body).contains("[DONE]"))
            }
        }
    }

    @Test func functionCallNonStreamingAndStreaming() async throws {
        try await mockApp(.init(chunkSize: 6)).test(.router) { client in
            let tools = ##""tools":[{"type":"function","name":"lookup","parameters":{"type":"object"}}]"##
            let plain = ##"{"model":"m","input":"#tool lookup {\"q\":\"cats\"}","## + tools + "}"
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(plain)) {
                let item = try #require(Wire.object($0.body)["output"]?[0])
                #expect(item["type"] == "function_call")
                #expect(item["name"] == "lookup")
                #expect(item["arguments"] == ##"{"q":"cats"}"##)
                #expect(item["call_id"]?.stringValue?.hasPrefix("call_") == true)
            }
            let streamed = ##"{"model":"m","stream":true,"input":"#tool lookup {\"q\":\"cats\"}","## + tools + "}"
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(streamed)) {
                let events = Wire.events($0.body)
                #expect(
                    events.map { $0.name ?? "" } == [
                        "response.created", "response.in_progress", "response.output_item.added",
                        "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                        "response.function_call_arguments.done", "response.output_item.done", "response.completed",
                    ])
                let data = try events.map { try Wire.parse($0.data) }
                #expect(data[2]["item"]?["type"] == "function_call")
                #expect(data[2]["item"]?["arguments"] == "")
                #expect(data[3...4].compactMap { $0["delta"]?.stringValue }.joined() == ##"{"q":"cats"}"##)
                #expect(data[5]["arguments"] == ##"{"q":"cats"}"##)
            }
        }
    }

    @Test func functionCallOutputRoundAnswersWithTheResult() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","input":[{"role":"user","content":"look"},{"type":"function_call","call_id":"c1","name":"lookup","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"42 cats"}]}"##
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                #expect(Wire.object($0.body)["output"]?[0]?["content"]?[0]?["text"] == "Tool result: 42 cats")
            }
        }
    }
}
