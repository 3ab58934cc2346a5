import Core
import Foundation

/// The checks of the stateless revision (2026-07-28) on one request: the routing headers name what the body
/// says — `MCP-Protocol-Version` the envelope's `_meta` version, `Mcp-Method` the method, `Mcp-Name` the tool,
/// prompt or resource — each sent once; a mismatch is -32020 (HTTP 400) before anything else is done, so a
/// proxy or firewall routing on the headers and the server acting on the body can never disagree.
public enum StatelessEnvelope {
    public static let versionHeader = "mcp-protocol-version"
    public static let methodHeader = "mcp-method"
    public static let nameHeader = "mcp-name"

    /// - Parameters:
    ///   - headers: every header line as received (lower-case names), duplicates kept.
    public static func check(_ message: JSONRPCMessage, headers: [(String, String)]) throws(JSONRPCFailure) -> ProtocolRevision {
        var seen: [String: String] = [:]
        for (name, value) in headers where name == versionHeader || name == methodHeader || name == nameHeader {
            guard seen[name] == nil else { throw JSONRPCFailure(.headerMismatch, "The \(name) header is sent more than once.") }
            seen[name] = value
        }
        let meta = message.params?["_meta"]?.objectValue
        if case .request = message.kind {
            guard let meta, meta[ProtocolRevision.metaVersionKey] != nil, meta[ProtocolRevision.metaCapabilitiesKey] != nil else {
                throw JSONRPCFailure(
                    .invalidParams,
                    "params._meta must carry '\(ProtocolRevision.metaVersionKey)' and '\(ProtocolRevision.metaCapabilitiesKey)' in the stateless revision.")
            }
            guard let header = seen[versionHeader], .string(header) == meta[ProtocolRevision.metaVersionKey] else {
                throw JSONRPCFailure(.headerMismatch, "The \(versionHeader) header does not match the request's protocol version.")
            }
            guard seen[methodHeader] == message.method else {
                throw JSONRPCFailure(.headerMismatch, "The \(methodHeader) header does not match the request's method.")
            }
            if let method = message.method.flatMap(ClientMethod.init(rawValue:)), let key = method.nameParameter {
                let body = message.params?[key]?.stringValue
                guard let header = seen[nameHeader], decodeHeaderValue(header) == body else {
                    throw JSONRPCFailure(.headerMismatch, "The \(nameHeader) header does not match the request's '\(key)'.")
                }
            } else if seen[nameHeader] != nil {
                throw JSONRPCFailure(.headerMismatch, "The \(nameHeader) header is sent for a method that names nothing.")
            }
        }
        guard let version = seen[versionHeader] else {
            throw JSONRPCFailure(.headerMismatch, "The \(versionHeader) header is missing.")
        }
        guard let revision = ProtocolRevision(rawValue: version), revision.isStateless else {
            throw JSONRPCFailure(
                .unsupportedProtocolVersion, "Unsupported protocol version",
                data: ["supported": .array([.string(ProtocolRevision.stateless2026.rawValue)]), "requested": .string(version)])
        }
        return revision
    }

    /// MCP's header value encoding: a value that is not plain printable ASCII travels as `=?base64?…?=`
    /// (UTF-8, canonical base64). A malformed one decodes to nil, so it never matches a body value.
    public static func decodeHeaderValue(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.utf8.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: payload), data.base64EncodedString() == payload else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The inverse: plain printable ASCII without edge whitespace passes verbatim, anything else is wrapped.
    public static func encodeHeaderValue(_ value: String) -> String {
        let printable = value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
        let trimmed = value.first.map { $0 != " " } ?? true && value.last.map { $0 != " " } ?? true
        if printable, trimmed, !(value.hasPrefix("=?base64?") && value.hasSuffix("?=")) { return value }
        return "=?base64?" + Data(value.utf8).base64EncodedString() + "?="
    }
}
