/// The caller's W3C Trace Context (`traceparent`, `tracestate`), checked strictly: a request span continues the
/// caller's trace only when its `traceparent` is exactly version 00 in lowercase hex with non-zero ids; anything
/// else is ignored and a new trace starts. A `tracestate` that breaks the list grammar is dropped alone (the
/// parent stands). Used for trace continuation and nothing else: never for identity, policy, limits or records.
public struct CallerTraceContext: Sendable, Equatable {
    /// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
    public let traceParent: String
    /// The list members as received, re-joined with `,`; nil when absent, empty or invalid.
    public let traceState: String?

    /// `traceparent`/`tracestate` values as the request carried them (every occurrence of each header).
    /// Nil without exactly one valid `traceparent`.
    public init?(traceParent values: [String], traceState stateValues: [String]) {
        guard values.count == 1, Self.isValidTraceParent(values[0]) else { return nil }
        traceParent = values[0]
        traceState = Self.validTraceState(stateValues.joined(separator: ","))
    }

    /// From a request's header lines (names lower-cased, duplicates kept).
    public init?(headers: [(String, String)]) {
        self.init(traceParent: headers.filter { $0.0 == "traceparent" }.map(\.1), traceState: headers.filter { $0.0 == "tracestate" }.map(\.1))
    }

    var traceID: Substring { traceParent.dropFirst(3).prefix(32) }
    var parentID: Substring { traceParent.dropFirst(36).prefix(16) }

    /// The headers a tracer reads the context from: only these two, never the request's others.
    var carrier: [String: String] {
        var headers = ["traceparent": traceParent]
        if let traceState { headers["tracestate"] = traceState }
        return headers
    }

    static func isValidTraceParent(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 55, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "0"),
              bytes[2] == dash, bytes[35] == dash, bytes[52] == dash else { return false }
        let traceID = bytes[3..<35], parentID = bytes[36..<52], flags = bytes[53..<55]
        guard (traceID + parentID + flags).allSatisfy(isLowerHex) else { return false }
        return traceID.contains { $0 != zero } && parentID.contains { $0 != zero }
    }

    /// The list when every member is `key=value` as W3C Trace Context defines them, at most 32 members, no key
    /// twice, at most 512 characters; else nil. Empty members (`a=1,,b=2`) are allowed and left out.
    static func validTraceState(_ header: String) -> String? {
        guard !header.isEmpty, header.utf8.count <= 512 else { return nil }
        var members: [Substring] = []
        var keys = Set<Substring>()
        for raw in header.split(separator: ",", omittingEmptySubsequences: false) {
            let member = raw.trimmingSpacesAndTabs()
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: "=") else { return nil }
            let key = member[..<equals], value = member[member.index(after: equals)...]
            guard isValidKey(key), isValidValue(value), keys.insert(key).inserted else { return nil }
            members.append(member)
        }
        guard !members.isEmpty, members.count <= 32 else { return nil }
        return members.joined(separator: ",")
    }

    /// `lcalpha 0*255(keychar)`, or `tenant@system` with a tenant of up to 241 and a system of up to 14 characters.
    static func isValidKey(_ key: Substring) -> Bool {
        let bytes = Array(key.utf8)
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let tenant = bytes[..<at], system = bytes[(at + 1)...]
            guard let t = tenant.first, isLowerAlpha(t) || isDigit(t), tenant.count <= 241, tenant.allSatisfy(isKeyChar) else { return false }
            guard let s = system.first, isLowerAlpha(s), system.count <= 14, system.allSatisfy(isKeyChar) else { return false }
            return true
        }
        guard let first = bytes.first, isLowerAlpha(first), bytes.count <= 256 else { return false }
        return bytes.allSatisfy(isKeyChar)
    }

    /// `0*255(chr) nblk-chr`: printable ASCII without `,` and `=`, spaces inside only.
    static func isValidValue(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard let last = bytes.last, bytes.count <= 256, last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "=") }
    }

    private static let dash = UInt8(ascii: "-")
    private static let zero = UInt8(ascii: "0")
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isLowerAlpha(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
    private static func isLowerHex(_ b: UInt8) -> Bool { isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) }
    private static func isKeyChar(_ b: UInt8) -> Bool {
        isLowerAlpha(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "/")
    }
}

extension Substring {
    /// Without the optional white space (spaces and tabs) around a list member.
    fileprivate func trimmingSpacesAndTabs() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
