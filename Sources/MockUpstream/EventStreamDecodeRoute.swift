import Hummingbird
import Providers

import Foundation

/// `POST /mock/eventstream/decode`: decodes the body as `application/vnd.amazon.eventstream` with the
/// gateway's `EventStreamDecoder` and names each message with `BedrockStreamEvent`, so a test can feed
/// it frames assembled independently (Python's `zlib.crc32`). Answers
/// `{"events":[{"name","data_b64"}]}`, or 422 `{"error":"<EventStreamError>"}`.
extension MockLLM {
    struct DecodedEvent: Encodable {
        var name: String
        var data_b64: String
    }

    func decodeEventStreamForTest(_ request: Request) async throws -> Response {
        let raw = try await request.body.collect(upTo: 16 << 20)
        var decoder = EventStreamDecoder()
        var json: Data
        var status = HTTPResponse.Status.ok
        do {
            var events: [DecodedEvent] = []
            for message in try decoder.push(raw.readableBytesView) {
                let named = try BedrockStreamEvent.named(message)
                events.append(DecodedEvent(name: named.name, data_b64: Data(named.data).base64EncodedString()))
            }
            try decoder.finish()
            json = try JSONEncoder().encode(["events": events])
        } catch {
            status = .unprocessableContent
            json = try JSONEncoder().encode(["error": "\(error)"])
        }
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
