import Core
import Foundation

/// How the gateway authenticates itself to the token endpoint: its client id and (resolved) secret. Printing it
/// shows the client id only.
struct TokenEndpointClient: Sendable, CustomStringConvertible {
    let id: String
    let secret: String
    let authentication: TokenExchangeConfiguration.ClientAuthentication

    var description: String { "client \(id) (\(authentication.rawValue))" }
}

/// One POST to the token endpoint, encoded: `application/x-www-form-urlencoded` pairs and the headers.
/// Pure (no I/O), so the encoding is tested as it is sent. `description` lists the parameter names only: the
/// values hold the subject token, the actor token and, with `client_secret_post`, the client secret.
struct TokenEndpointRequest: Sendable, CustomStringConvertible {
    let form: [(String, String)]
    let headers: [(String, String)]

    var body: [UInt8] { Array(PercentEncoding.form(form).utf8) }

    var description: String { "token request (\(form.map(\.0).joined(separator: ", ")))" }

    /// RFC 8693 §2.1: the caller's token for one upstream's token, the gateway acting (`actorToken`, when given).
    static func exchange(
        subject: SubjectToken, subjectTokenType: String, target: TokenExchangeTarget, actorToken: String?, client: TokenEndpointClient
    ) -> TokenEndpointRequest {
        var form: [(String, String)] = [
            ("grant_type", TokenTypeURI.tokenExchangeGrant),
            ("subject_token", subject.token),
            ("subject_token_type", subjectTokenType),
        ]
        if let actorToken {
            form.append(("actor_token", actorToken))
            form.append(("actor_token_type", TokenTypeURI.accessToken))
        }
        if let resource = target.resource { form.append(("resource", resource)) }
        if let audience = target.audience { form.append(("audience", audience)) }
        if let scope = target.scope { form.append(("scope", scope)) }
        form.append(("requested_token_type", TokenTypeURI.accessToken))
        return authenticated(form, client: client)
    }

    /// RFC 6749 §4.4: the gateway's own token (the `actor_token` of exchanges with `actor_token: client_credentials`).
    static func clientCredentials(client: TokenEndpointClient) -> TokenEndpointRequest {
        authenticated([("grant_type", "client_credentials")], client: client)
    }

    /// The client's authentication added (RFC 6749 §2.3.1): HTTP Basic over the form-encoded id and secret,
    /// or both in the body.
    private static func authenticated(_ form: [(String, String)], client: TokenEndpointClient) -> TokenEndpointRequest {
        var form = form
        var headers: [(String, String)] = [
            ("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json"),
            ("cache-control", "no-store"),
        ]
        switch client.authentication {
        case .clientSecretBasic:
            let pair = PercentEncoding.encode(client.id) + ":" + PercentEncoding.encode(client.secret)
            headers.append(("authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        case .clientSecretPost:
            form.append(("client_id", client.id))
            form.append(("client_secret", client.secret))
        }
        return TokenEndpointRequest(form: form, headers: headers)
    }
}
