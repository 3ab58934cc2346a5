import Core
import Foundation
import Providers

/// The single mapping from `GatewayError` to HTTP status, headers and the OpenAI error body
/// `{"error":{"message","type","code","param"}}`.
public struct ErrorResponse: Sendable {
    public let status: Int
    public let type: String
    public let code: String
    public let message: String
    public let param: String?
    public let headers: [(String, String)]

    public init(_ error: GatewayError) {
        var headers: [(String, String)] = []
        var param: String?
        switch error {
        case .invalidRequest(let message, let p):
            (status, type, code, self.message) = (400, "invalid_request_error", "invalid_request", message)
            param = p
        case .bodyTooLarge(let limit):
            (status, type, code, message) = (413, "invalid_request_error", "request_too_large", "Request body exceeds the limit of \(limit) bytes.")
        case .unknownModel(let model):
            (status, type, code, message) = (404, "invalid_request_error", "model_not_found", "The model '\(Self.printable(model))' does not exist or you do not have access to it.")
            param = "model"
        case .unknownRoute(let method, let path):
            (status, type, code, message) = (404, "invalid_request_error", "unknown_url", "Unrecognized request URL (\(method) \(Self.printable(path))).")
        case .unauthenticated(let description):
            (status, type, code, message) = (401, "authentication_error", "invalid_token", "Authentication failed: \(description).")
            headers.append(("www-authenticate", "Bearer error=\"invalid_token\", error_description=\"\(Self.headerSafe(description))\""))
        case .proofRefused(let description, let error, let nonce):
            (status, type, code, message) = (401, "authentication_error", error, "Authentication failed: \(description).")
            headers.append(("www-authenticate", "DPoP error=\"\(Self.headerSafe(error))\", error_description=\"\(Self.headerSafe(description))\""))
            if let nonce { headers.append(("dpop-nonce", nonce)) }
        case .credentialsMissing:
            (status, type, code, message) = (401, "authentication_error", "missing_credentials", "Authentication required: send an access token from your identity provider as a Bearer token.")
            headers.append(("www-authenticate", "Bearer realm=\"portcullis\""))
        case .forbidden(let policies):
            let why: String = switch policies {
            case nil: "denied by policy"
            case let ids? where ids.isEmpty: "no policy permits this request"
            case let ids?: "denied by policy \(ids.joined(separator: ", "))"
            }
            (status, type, code, message) = (403, "permission_error", "policy_denied", "Request refused: \(why).")
        case .toolNotPermitted(let tool):
            (status, type, code, message) = (403, "permission_error", "tool_not_permitted", "Request refused: the tool '\(Self.printable(tool))' runs at the provider, where the gateway cannot inspect what it reads and returns; a policy must permit it by name (@tools).")
            param = "tools"
        case .limited(let limitType, let code, let message, let retry, let extra):
            (status, type, self.code, self.message) = (429, limitType, code, message)
            if !extra.contains(where: { $0.0.lowercased() == "retry-after" }) { headers.append(("retry-after", String(retry))) }
            headers += extra
        case .guardrailBlocked(let category):
            (status, type, code, message) = (400, "invalid_request_error", "content_blocked", "Request blocked by guardrail: \(category) detected.")
        case .responseBlocked(let category):
            (status, type, code, message) = (422, "content_filter", "response_blocked", "Response blocked by guardrail: \(category) detected.")
        case .userTokenRequired(let upstream):
            (status, type, code, message) = (
                403, "permission_error", "user_token_required",
                "'\(Self.printable(upstream))' accepts only a token exchanged for the calling user: authenticate with a user's bearer token (a workload: carry the user's token in the delegation header); a client certificate alone cannot be exchanged.")
        case .controlUnavailable(let control):
            (status, type, code, message) = (503, "server_error", "control_unavailable", "The \(control) control is unavailable, so the request was refused.")
            headers.append(("retry-after", "1"))
        case .upstream(let e):
            switch e {
            case .timeout(let p): (status, type, code, message) = (504, "server_error", "upstream_timeout", "Provider '\(p)' did not answer in time.")
            case .circuitOpen(let p, let after):
                (status, type, code, message) = (503, "server_error", "upstream_unavailable", "Provider '\(p)' is out of rotation after repeated failures; try again later.")
                headers.append(("retry-after", String(max(1, after))))
            case .notConnected(let p, let r): (status, type, code, message) = (502, "server_error", "upstream_unreachable", "Provider '\(p)' is unreachable (\(r)).")
            case .unreachable(let p, let r): (status, type, code, message) = (502, "server_error", "upstream_unreachable", "Provider '\(p)' is unreachable (\(r)).")
            case .invalidAnswer(let p, let r): (status, type, code, message) = (502, "server_error", "upstream_invalid_answer", "Provider '\(p)' sent an answer the gateway cannot use (\(r)).")
            case .streamInterrupted(let p): (status, type, code, message) = (502, "server_error", "upstream_interrupted", "Provider '\(p)' stopped the stream.")
            case .misconfigured(let p, _): (status, type, code, message) = (502, "server_error", "upstream_misconfigured", "Provider '\(p)' is not usable.")
            }
        case .upstreamStatus(let s, _, _):
            (status, type, code, message) = (s, "upstream_error", "upstream_error", "Provider returned status \(s).")
        case .internalError:
            (status, type, code, message) = (500, "server_error", "internal_error", "Internal gateway error.")
        }
        self.param = param
        self.headers = headers
    }

    /// The body, in the shape of the caller's API (`dialect`; OpenAI's when there is none). Upstream errors
    /// relay the provider's own body.
    static func body(for error: GatewayError, dialect: (any APIDialect)? = nil) -> (bytes: [UInt8], contentType: String) {
        if case .upstreamStatus(_, let body, let type) = error, !body.isEmpty {
            return (body, type ?? "application/json")
        }
        let mapped = ErrorResponse(error)
        return (dialect?.errorBody(mapped) ?? Array(mapped.jsonBody().utf8), "application/json")
    }

    public func jsonBody() -> String {
        let paramJSON = param.map { "\"\(JSONText.escape($0))\"" } ?? "null"
        return "{\"error\":{\"message\":\"\(JSONText.escape(message))\",\"type\":\"\(type)\",\"param\":\(paramJSON),\"code\":\"\(code)\"}}"
    }

    /// Bounded, control-character-free echo of caller input in messages.
    static func printable(_ s: String) -> String {
        let cleaned = String(String.UnicodeScalarView(s.unicodeScalars.prefix(128).filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return s.unicodeScalars.count > 128 ? cleaned + "…" : cleaned
    }

    static func headerSafe(_ s: String) -> String {
        String(s.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }.map(Character.init))
    }
}

/// JSON string escaping for bodies the gateway writes itself (Core's JSON writer does the work).
enum JSONText {
    static func escape(_ s: String) -> String {
        let quoted = JSONValue.string(s).serialized()
        return String(decoding: quoted[1..<(quoted.count - 1)], as: UTF8.self)
    }
}
