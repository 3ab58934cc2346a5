import HTTPTypes
import Hummingbird
import MCP

/// The HTTP side of `/mcp`: every request is read, recorded in the request log (headers included, so a
/// test can see which `Authorization` reached the upstream), checked for the token, then answered by the
/// era its `MCP-Protocol-Version` header selects.
extension MockMCPServer {
    /// `POST /mcp`: one JSON-RPC message.
    func post(_ request: Request) async -> Response {
        await exchange(request) { body in
            let bytes = Array(body.readableBytesView)
            let message: JSONRPCMessage
            do throws(JSONRPCFailure) {
                message = try JSONRPCMessage.parse(bytes, limit: maxBodyBytes)
            } catch {
                return MCPAnswer.error(error, id: JSONRPCMessage.refusedID(bytes), stateless: false)
            }
            switch Self.era(of: request.headers) {
            case .handshake(let version):
                return handshakeAnswer(message, headers: request.headers, versionHeader: version)
            case .stateless:
                return statelessAnswer(message, headers: request.headers)
            }
        }
    }

    /// `GET /mcp`: the mock offers no server-initiated stream, so 405 as the transport specifies.
    func get(_ request: Request) async -> Response {
        await exchange(request) { _ in
            MCPAnswer.refusal(
                .methodNotAllowed, "Method Not Allowed: this server opens no event stream; POST messages to /mcp",
                headers: [.allow: "POST, DELETE"])
        }
    }

    /// `DELETE /mcp`: ends the session named by `Mcp-Session-Id` (204); the stateless revision has no
    /// session to end (405).
    func delete(_ request: Request) async -> Response {
        await exchange(request) { _ in
            switch Self.era(of: request.headers) {
            case .stateless:
                return MCPAnswer.refusal(
                    .methodNotAllowed, "Method Not Allowed: revision 2026-07-28 has no session to end",
                    headers: [.allow: "POST"])
            case .handshake:
                do throws(MockLLM.EarlyResponse) {
                    let (id, _) = try session(request.headers)
                    _ = sessions.end(id)
                    return Response(status: .noContent)
                } catch {
                    return error.response
                }
            }
        }
    }

    /// Reads the body (413 above the limit), records the request, checks the token, then answers with
    /// `answer`; the log notes how the request ended.
    private func exchange(_ request: Request, _ answer: (ByteBuffer) -> Response) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return MCPAnswer.refusal(.contentTooLarge, "request body exceeds \(maxBodyBytes) bytes")
        }
        let recordID = log.record(request, body: body)
        let response: Response
        if let token = settings.token, !Self.carries(token, request.headers) {
            response = MCPAnswer.unauthorised(tokenGiven: request.headers[.authorization] != nil)
        } else {
            response = answer(body)
        }
        let outcome: RequestLog.Outcome = switch response.status.code {
        case 401: .unauthorized
        case 400...: .badRequest
        default: .responded
        }
        log.finish(recordID, outcome)
        return response
    }

    /// Whether the request carries `Authorization: Bearer TOKEN` (the scheme name in any case).
    static func carries(_ token: String, _ headers: HTTPFields) -> Bool {
        guard let authorization = headers[.authorization], authorization.count > 7,
            authorization.prefix(7).lowercased() == "bearer "
        else { return false }
        return constantTimeEqual(String(authorization.dropFirst(7)), token)
    }

    /// Which era answers a request. Without `MCP-Protocol-Version`, or with a revision reached by
    /// `initialize`, the handshake era; with any other value, the stateless rules, which refuse what they
    /// do not speak (the official SDK routes the same way).
    enum RequestEra {
        case handshake(versionHeader: String?)
        case stateless
    }

    /// Every revision the specification reaches by `initialize`, spoken here or not (2024-11-05 and
    /// 2025-03-26 are answered with the latest handshake revision).
    static let handshakeEraNames: Set<String> =
        Set(["2024-11-05", "2025-03-26"] + ProtocolRevision.handshake.map(\.rawValue))

    static func era(of headers: HTTPFields) -> RequestEra {
        guard let version = headers[.mcpProtocolVersion], !handshakeEraNames.contains(version) else {
            return .handshake(versionHeader: headers[.mcpProtocolVersion])
        }
        return .stateless
    }
}
