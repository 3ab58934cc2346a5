import Core
import HTTPTypes
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The last N requests the mock received (method, path with query, headers, body) and how each ended,
/// served at `GET /mock/requests` so end-to-end tests can assert what the gateway forwarded.
final class RequestLog: Sendable {
    /// How a recorded request ended.
    enum Outcome: String, Sendable {
        case inProgress = "in_progress"
        case responded
        case streamCompleted = "stream_completed"
        case streamCut = "stream_cut"
        case clientDisconnected = "client_disconnected"
        case errorInjected = "error_injected"
        case unauthorized
        case badRequest = "bad_request"
    }

    struct Entry: Sendable {
        let id: Int
        let method: String
        let path: String
        let headers: HTTPFields
        let body: ByteBuffer
        var outcome: Outcome
        /// Bedrock routes: whether the SigV4 signature verified (`verified`, `refused: <why>`).
        var sigv4: String? = nil
    }

    /// A ring of at most `limit` entries: `slots[start]` is the oldest once the ring is full.
    private struct State {
        var slots: [Entry] = []
        var start = 0
        var nextID = 1

        var ordered: [Entry] { Array(slots[start...] + slots[..<start]) }
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Records a request (with `headers` in place of its own when given: credentials redacted); returns its
    /// id (0 when recording is off). Keeps the header fields and body buffer
    /// as they are (copy-on-write values), so recording costs no per-header work on the request path.
    /// With `redactingAWS`, the signature in `authorization` and the `x-amz-security-token` value are
    /// replaced by `[redacted]` (the credential scope and signed header names stay). `headers`: what to log
    /// instead of the request's own (already redacted by the caller).
    func record(_ request: Request, body: ByteBuffer, redactingAWS: Bool = false, headers: HTTPFields? = nil) -> Int {
        guard limit > 0 else { return 0 }
        let method = request.method.rawValue
        let path = request.uri.description
        var headers = headers ?? request.headers
        if redactingAWS {
            if let auth = headers[.authorization] {
                let kept = auth.firstRange(of: "Signature=").map { auth[..<$0.upperBound] + "[redacted]" } ?? "[redacted]"
                headers[.authorization] = String(kept)
            }
            if headers[.amzSecurityToken] != nil { headers[.amzSecurityToken] = "[redacted]" }
        }
        return state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let entry = Entry(id: id, method: method, path: path, headers: headers, body: body, outcome: .inProgress)
            if state.slots.count < limit {
                state.slots.append(entry)
            } else {
                state.slots[state.start] = entry
                state.start = (state.start + 1) % limit
            }
            return id
        }
    }

    func finish(_ id: Int, _ outcome: Outcome) {
        update(id) { $0.outcome = outcome }
    }

    private func update(_ id: Int, _ change: (inout Entry) -> Void) {
        guard id > 0 else { return }
        state.withLock { state in
            // Ids are consecutive, so the entry's slot follows from its distance to the newest one.
            let back = state.nextID - 1 - id
            let count = state.slots.count
            guard back >= 0, back < count else { return }
            let newest = (state.start + count - 1) % count
            let index = (newest - back + count) % count
            if state.slots[index].id == id { change(&state.slots[index]) }
        }
    }

    /// Notes the SigV4 verdict of a recorded Bedrock request.
    func note(_ id: Int, sigv4: String) {
        update(id) { $0.sigv4 = sigv4 }
    }

    func clear() {
        state.withLock {
            $0.slots.removeAll()
            $0.start = 0
        }
    }

    /// The headers that carry a provider key, in the order `auth_header` names them.
    static let credentialHeaders: [HTTPField.Name] = [.authorization, .xAPIKey, .apiKey, .xGoogAPIKey]

    /// The recorded requests, oldest first.
    var entries: [Entry] { state.withLock { $0.ordered } }

    /// `{"object":"list","data":[{"id","method","path","headers":{name: value},"auth_header","body","body_text",
    /// "outcome"[,"sigv4"]}]}`, oldest first. Header names are lower-case; repeated headers are joined with ", ".
    /// `auth_header` names the credential header(s) the request carried (`authorization`, `x-api-key`,
    /// `api-key`, `x-goog-api-key`, joined with ", " in that order; `null` when none), so a test can check which scheme was used.
    /// `body` is the body as JSON when it parses as JSON (embedded verbatim), else `null`; `body_text` is
    /// always the raw text.
    func renderJSON() -> ByteBuffer {
        let entries = self.entries
        var out = ByteBuffer()
        out.writeStaticString("{\"object\":\"list\",\"data\":[")
        for (n, entry) in entries.enumerated() {
            if n > 0 { out.writeStaticString(",") }
            out.writeStaticString("{\"id\":")
            out.writeJSONInt(entry.id)
            out.writeStaticString(",\"method\":")
            out.writeJSONString(entry.method)
            out.writeStaticString(",\"path\":")
            out.writeJSONString(entry.path)
            out.writeStaticString(",\"headers\":{")
            var merged: [(String, String)] = []
            for field in entry.headers {
                let name = field.name.canonicalName
                let value = field.value
                if let i = merged.firstIndex(where: { $0.0 == name }) {
                    merged[i].1 += ", " + value
                } else {
                    merged.append((name, value))
                }
            }
            for (i, (name, value)) in merged.enumerated() {
                if i > 0 { out.writeStaticString(",") }
                out.writeJSONString(name)
                out.writeStaticString(":")
                out.writeJSONString(value)
            }
            out.writeStaticString("},\"auth_header\":")
            let credentials = Self.credentialHeaders.filter { entry.headers[$0] != nil }
            out.writeJSONOptionalString(
                credentials.isEmpty ? nil : credentials.map(\.canonicalName).joined(separator: ", "))
            out.writeStaticString(",\"body\":")
            let text = String(buffer: entry.body)
            // Off the hot path (a test asks for the log), so a full parse to validate is fine here.
            if (try? JSONDecoder().decode(JSONValue.self, from: Data(entry.body.readableBytesView))) != nil {
                out.writeImmutableBuffer(entry.body)
            } else {
                out.writeStaticString("null")
            }
            out.writeStaticString(",\"body_text\":")
            out.writeJSONString(text)
            out.writeStaticString(",\"outcome\":")
            out.writeJSONString(entry.outcome.rawValue)
            if let sigv4 = entry.sigv4 {
                out.writeStaticString(",\"sigv4\":")
                out.writeJSONString(sigv4)
            }
            out.writeStaticString("}")
        }
        out.writeStaticString("]}")
        return out
    }
}
