import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct EmbeddingsAndModelsTests {
    func floats(_ value: JSONValue?) -> [Double] {
        value?.arrayValue?.compactMap {
            switch $0 {
            case .number(let d): d
            case .integer(let i): Double(i)
            default: nil
            }
        } ?? []
    }

    @Test func embeddingsAreDeterministicUnitVectorsOfTheAskedDimensions() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"mock-embedding","input":["alpha","beta","alpha"],"dimensions":64,"encoding_format":"float"}"##
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                #expect($0.status == .ok)
                let json = Wire.object($0.body)
                #expect(json["object"] == "list")
                #expect(json["model"] == "mock-embedding")
                let data = try #require(json["data"]?.arrayValue)
                #expect(data.count == 3)
                #expect(data.map { $0["index"] } == [0, 1, 2])
                #expect(data.allSatisfy { $0["object"] == "embedding" })
                let vectors = data.map { floats($0["embedding"]) }
                #expect(vectors.allSatisfy { $0.count == 64 })
                for v in vectors { #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
                #expect(vectors[0] == vectors[2])
                #expect(vectors[0] != vectors[1])
                #expect(json["usage"]?["prompt_tokens"] == 5)  // 5, 4, 5 scalars → 2 + 1 + 2
            }
        }
    }

    @Test func defaultDimensionsAndBase64MatchTheFloats() async throws {
        try await mockApp().test(.router) { client in
            var asFloats: [Double] = []
            try await client.execute(
                uri: "/v1/embeddings", method: .post, headers: jsonHeaders, body: Wire.body(##"{"model":"e","input":"hello"}"##)
            ) {
                asFloats = floats(Wire.object($0.body)["data"]?[0]?["embedding"])
                #expect(asFloats.count == 1536)
            }
            try await client.execute(
                uri: "/v1/embeddings", method: .post, headers: jsonHeaders,
                body: Wire.body(##"{"model":"e","input":"hello","encoding_format":"base64"}"##)
            ) {
                let encoded = try #require(Wire.object($0.body)["data"]?[0]?["embedding"]?.stringValue)
                let bytes = try #require(Data(base64Encoded: encoded))
                #expect(bytes.count == 1536 * 4)
                let decoded = stride(from: 0, to: bytes.count, by: 4).map { i in
                    Float(bitPattern: bytes[i..<i + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
                }
                // The float form is the shortest decimal of each float32: it reads back as the same float32.
                let same = decoded.count == asFloats.count && zip(decoded, asFloats).allSatisfy { $0 == Float($1) }
                #expect(same)
            }
        }
    }

    @Test func tokenInputsAndBadDimensions() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(
                uri: "/v1/embeddings", method: .post, headers: jsonHeaders,
                body: Wire.body(##"{"model":"e","input":[[1,2,3],[4]],"dimensions":8}"##)
            ) {
                let json = Wire.object($0.body)
                #expect(json["data"]?.arrayValue?.count == 2)
                #expect(json["usage"]?["prompt_tokens"] == 4)
            }
            try await client.execute(
                uri: "/v1/embeddings", method: .post, headers: jsonHeaders,
                body: Wire.body(##"{"model":"e","input":"x","dimensions":0}"##)
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["type"] == "invalid_request_error")
            }
        }
    }

    @Test func modelsListAndRetrieve() async throws {
        try await mockApp(.init(models: ["a-model", "b-model"])).test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) {
                let json = Wire.object($0.body)
                #expect(json["object"] == "list")
                #expect(json["data"]?.arrayValue?.map { $0["id"] } == ["a-model", "b-model"])
                #expect(json["data"]?[0]?["object"] == "model")
                #expect(json["data"]?[0]?["owned_by"] == "portcullis-mock")
                #expect(json["data"]?[0]?["created"]?.intValue != nil)
            }
            try await client.execute(uri: "/v1/models/b-model", method: .get) {
                #expect(Wire.object($0.body)["id"] == "b-model")
            }
            try await client.execute(uri: "/v1/models/zzz", method: .get) {
                #expect($0.status == .notFound)
                #expect(Wire.object($0.body)["error"]?["code"] == "model_not_found")
            }
        }
    }

    @Test func unknownRouteIsAnOpenAIStyle404() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(uri: "/v1/nothing", method: .post) {
                #expect($0.status == .notFound)
                #expect(Wire.object($0.body)["error"]?["message"]?.stringValue?.contains("/v1/nothing") == true)
            }
        }
    }
}
