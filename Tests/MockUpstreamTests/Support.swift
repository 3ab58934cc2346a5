import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// Shared helpers: JSON bodies in, `JSONValue` out, SSE split into events.
enum Wire {
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }

    /// Splits an event stream into events; each event is its `event:` name (or nil) and its `data:` text.
    /// Fails the test when framing is wrong (missing blank-line terminator, a line that is not a field).
    static func events(_ buffer: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) -> [(name: String?, data: String)] {
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\n\n"), "stream must end with a blank line", sourceLocation: sourceLocation)
        var events: [(String?, String)] = []
        for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
            var name: String?
            var data: String?
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") {
                    name = String(line.dropFirst(7))
                } else if line.hasPrefix("data: ") {
                    #expect(data == nil, "one data line per event", sourceLocation: sourceLocation)
                    data = String(line.dropFirst(6))
                } else {
                    Issue.record("unexpected line in event stream: \(line)", sourceLocation: sourceLocation)
                }
            }
            events.append((name, data ?? ""))
        }
        return events
    }

    /// The body as JSON; a body that is not JSON fails the test and reads as `null`.
    static func object(_ buffer: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
        do {
            return try json(buffer)
        } catch {
            Issue.record("body is not JSON: \(String(buffer: buffer))", sourceLocation: sourceLocation)
            return .null
        }
    }

    static func parse(_ data: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(data.utf8))
    }
}

/// The mock application for router tests.
func mockApp(_ configuration: MockUpstreamConfiguration = .init()) -> some ApplicationProtocol {
    makeMockUpstreamApplication(configuration: configuration)
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

extension HTTPFields {
    init(_ pairs: [String: String]) {
        self.init()
        self[.contentType] = "application/json"
        for (name, value) in pairs { self[HTTPField.Name(name)!] = value }
    }
}
