/// One server-sent event as framed on the wire (WHATWG HTML §9.2).
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    /// The data lines joined with "\n", as bytes.
    public var data: [UInt8]
    public var id: String?

    public init(event: String? = nil, data: [UInt8], id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }

    public var isDone: Bool { data == Array("[DONE]".utf8) }

    /// Wire form: optional `event:`/`id:` lines, one `data:` line per data line, blank line.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        if let event { out += Array("event: \(event)\n".utf8) }
        if let id { out += Array("id: \(id)\n".utf8) }
        var lineStart = 0
        for i in 0...data.count where i == data.count || data[i] == UInt8(ascii: "\n") {
            out += Array("data: ".utf8)
            out += data[lineStart..<i]
            out.append(UInt8(ascii: "\n"))
            lineStart = i + 1
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }
}
