import HTTPTypes
import Hummingbird
import MCP
import Support

/// The stateless revision 2026-07-28: no session; every request carries its revision and the client's
/// capabilities in `params._meta`, and repeats its routing facts in headers that must equal the body.
/// The MCP target's `StatelessEnvelope.check` — the gateway's own — judges them, first failure wins:
/// a routing header sent twice, a missing envelope (`-32602`), a header that disagrees with the body
/// (`-32020`; an `Mcp-Name` in `=?base64?…?=` form is decoded first), a revision not spoken statelessly
/// (`-32022`).
///
/// Then an unknown method (or one this revision removed: `initialize`, `ping`) is `-32601`. Errors travel
/// at the SDK's statuses (`JSONRPCFailure.status(stateless:)`): 404 for `-32601`, 400 for the others.
/// Notifications get 202 when the header names a revision spoken here.
extension MockMCPServer {
    func statelessAnswer(_ message: JSONRPCMessage, headers: HTTPFields) -> Response {
        // Every header line with its lower-case name, duplicates kept, as the check reads them.
        let lines = headers.map { ($0.name.canonicalName, $0.value) }
        switch message.kind {
        case .notification:
            do throws(JSONRPCFailure) {
                _ = try StatelessEnvelope.check(message, headers: lines)
            } catch {
                return MCPAnswer.error(error, id: nil, stateless: true)
            }
            return MCPAnswer.accepted()
        case .request(let id, let method):
            let revision: ProtocolRevision
            do throws(JSONRPCFailure) {
                revision = try StatelessEnvelope.check(message, headers: lines)
            } catch {
                return MCPAnswer.error(error, id: id, stateless: true)
            }
            return respond(to: message, id: id, method: method, revision: revision)
        case .result(let id), .error(let id):
            return MCPAnswer.postedResponse(id: id)
        }
    }
}
