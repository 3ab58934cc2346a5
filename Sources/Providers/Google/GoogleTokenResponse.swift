import Core
import Foundation

/// The token endpoint's answer to a JWT bearer grant: `{"access_token","expires_in","token_type":"Bearer"}`
/// on 200, `{"error","error_description"}` otherwise. Turns a refusal into an `UpstreamError` whose reason
/// holds the status and Google's error code only (never the body, which may echo the request).
struct GoogleTokenResponse: Sendable, Equatable {
    let accessToken: String
    let expiresIn: Int

    static func read(status: Int, body: [UInt8], provider: String) throws(UpstreamError) -> GoogleTokenResponse {
        let document = try? JSONDecoder().decode(JSONValue.self, from: Data(body))
        guard status == 200 else {
            var reason = "token endpoint answered \(status)"
            if let code = document?["error"]?.stringValue, code.count <= 40, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) {
                reason += " \(code)"
            }
            // 4xx: the endpoint refuses this account or key (a configuration fault); 429/5xx: try again later.
            if (400..<500).contains(status), status != 408, status != 429 {
                throw .misconfigured(provider: provider, reason: "service account refused: " + reason)
            }
            throw .unreachable(provider: provider, reason: reason)
        }
        guard let token = document?["access_token"]?.stringValue, !token.isEmpty,
            let expiresIn = document?["expires_in"]?.intValue, expiresIn > 0
        else {
            throw .unreachable(provider: provider, reason: "token endpoint answer has no access_token and expires_in")
        }
        if let type = document?["token_type"]?.stringValue, type.lowercased() != "bearer" {
            throw .unreachable(provider: provider, reason: "token endpoint issued a token that is not a Bearer token")
        }
        return GoogleTokenResponse(accessToken: token, expiresIn: expiresIn)
    }
}
