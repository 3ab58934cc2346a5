import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fields of `POST /v1/embeddings` the mock reads. `input` is a string, an array of strings, an
/// array of token ids or an array of token-id arrays.
struct EmbeddingsRequest: Decodable, Sendable {
    enum Input: Sendable, Equatable {
        case text(String)
        case tokens([Int])
    }

    var model: String?
    var inputs: [Input]
    var dimensions: Int?
    var encodingFormat: String?

    enum CodingKeys: String, CodingKey {
        case model, input, dimensions
        case encodingFormat = "encoding_format"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        dimensions = try c.decodeIfPresent(Int.self, forKey: .dimensions)
        encodingFormat = try c.decodeIfPresent(String.self, forKey: .encodingFormat)
        if let text = try? c.decode(String.self, forKey: .input) {
            inputs = [.text(text)]
        } else if let texts = try? c.decode([String].self, forKey: .input) {
            inputs = texts.map { .text($0) }
        } else if let tokens = try? c.decode([Int].self, forKey: .input) {
            inputs = [.tokens(tokens)]
        } else {
            inputs = try c.decode([[Int]].self, forKey: .input).map { .tokens($0) }
        }
    }
}

/// `POST /v1/embeddings` and its Azure twin: one unit-length vector per input, a pure function of the
/// input (FNV-1a 64 hash seeding SplitMix64), `dimensions` long (default 1536), as JSON floats or as
/// base64 of little-endian float32 (`encoding_format: "base64"`, the `openai` SDK's default).
extension MockLLM {
    static let defaultEmbeddingDimensions = 1536
    static let maxEmbeddingDimensions = 16384

    func embeddings(_ request: Request, deployment: String? = nil) async throws -> Response {
        try await serve(request, style: .openAI, azure: deployment != nil) { exchange in
            let body = try decode(EmbeddingsRequest.self, exchange)
            let model = deployment ?? body.model ?? ""
            let dimensions = body.dimensions ?? Self.defaultEmbeddingDimensions
            let format = body.encodingFormat ?? "float"
            guard (1...Self.maxEmbeddingDimensions).contains(dimensions), format == "float" || format == "base64",
                !body.inputs.isEmpty
            else {
                log.finish(exchange.recordID, .badRequest)
                return ErrorBody.response(
                    status: 400,
                    message: "invalid embeddings request: input must not be empty, dimensions must be 1...\(Self.maxEmbeddingDimensions), encoding_format float or base64",
                    style: .openAI, requestID: exchange.requestID)
            }
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            var out = ByteBuffer()
            out.reserveCapacity(body.inputs.count * dimensions * (format == "base64" ? 6 : 12) + 256)
            out.writeStaticString("{\"object\":\"list\",\"data\":[")
            var promptTokens = 0
            for (index, input) in body.inputs.enumerated() {
                if index > 0 { out.writeStaticString(",") }
                out.writeStaticString("{\"object\":\"embedding\",\"index\":")
                out.writeJSONInt(index)
                out.writeStaticString(",\"embedding\":")
                let vector = EmbeddingVector.make(for: input, dimensions: dimensions)
                if format == "base64" {
                    out.writeJSONString(EmbeddingVector.base64(vector))
                } else {
                    out.writeStaticString("[")
                    for (i, value) in vector.enumerated() {
                        if i > 0 { out.writeStaticString(",") }
                        out.writeString(value.description)
                    }
                    out.writeStaticString("]")
                }
                out.writeStaticString("}")
                switch input {
                case .text(let text): promptTokens += (scalarCount(text) + 3) / 4
                case .tokens(let tokens): promptTokens += tokens.count
                }
            }
            out.writeStaticString("],\"model\":")
            out.writeJSONString(model)
            out.writeStaticString(",\"usage\":{\"prompt_tokens\":")
            out.writeJSONInt(promptTokens)
            out.writeStaticString(",\"total_tokens\":")
            out.writeJSONInt(promptTokens)
            out.writeStaticString("}}")
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        }
    }
}

/// Deterministic pseudo-embeddings (hand-written: a test double needs stable vectors, not semantics).
enum EmbeddingVector {
    static func make(for input: EmbeddingsRequest.Input, dimensions: Int) -> [Float] {
        var hash = DeterministicBytes()
        switch input {
        case .text(let text):
            hash.mix(text)
        case .tokens(let tokens):
            hash.mix(0xFF)  // keeps token input apart from text with the same bytes
            for token in tokens {
                withUnsafeBytes(of: UInt64(bitPattern: Int64(token)).littleEndian) { $0.forEach { hash.mix($0) } }
            }
        }
        var generator = hash.generator
        var vector = [Float](repeating: 0, count: dimensions)
        var norm: Double = 0
        for i in 0..<dimensions {
            let unit = Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1
            vector[i] = Float(unit)
            norm += unit * unit
        }
        let scale = norm > 0 ? Float(1 / norm.squareRoot()) : 0
        for i in 0..<dimensions { vector[i] *= scale }
        return vector
    }

    static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
