import AsyncHTTPClient
import Core
import MCP

/// Reads the answer to one request out of a server's reply, whether it came as one JSON message or as an SSE
/// stream. Other messages of the stream are not relayed (the gateway asked, or the answer is wanted whole):
/// their count is returned, for the record.
enum MCPReplyReader {
    static func response(of reply: MCPUpstream.Reply, id: JSONValue, limit: Int) async throws(JSONRPCFailure) -> (answer: JSONRPCMessage, dropped: Int) {
        switch reply {
        case .accepted:
            throw JSONRPCFailure(.upstream, "The MCP server sent no answer.", reason: "upstream_invalid_answer")
        case .failed(let status, _):
            throw JSONRPCFailure(.upstream, "The MCP server answered HTTP \(status).", reason: "upstream_error", data: ["status": .integer(status)])
        case .json(let bytes, _):
            let message = try parse(bytes, limit: limit)
            guard message.id == id, message.method == nil else { throw invalid("an answer to another request") }
            return (message, 0)
        case .events(let body, _):
            var framer = SSEFramer(maxLineBytes: limit)
            var dropped = 0
            do {
                for try await chunk in body {
                    for event in try framer.push(chunk.readableBytesView) where !event.data.isEmpty {
                        let message = try parse(event.data, limit: limit)
                        if message.method == nil, message.id == id { return (message, dropped) }
                        dropped += 1
                        if dropped > 10_000 { throw invalid("too many messages before the answer") }
                    }
                }
            } catch let failure as JSONRPCFailure {
                throw failure
            } catch {
                throw JSONRPCFailure(.upstream, "The MCP server's stream broke off.", reason: "upstream_error")
            }
            throw invalid("the stream ended without the answer")
        }
    }

    static func parse(_ bytes: [UInt8], limit: Int) throws(JSONRPCFailure) -> JSONRPCMessage {
        do { return try JSONRPCMessage.parse(bytes, limit: limit) } catch { throw invalid("not a JSON-RPC message: \(error.message)") }
    }

    static func invalid(_ why: String) -> JSONRPCFailure {
        JSONRPCFailure(.upstream, "The MCP server's answer is not usable (\(why)).", reason: "upstream_invalid_answer")
    }
}
