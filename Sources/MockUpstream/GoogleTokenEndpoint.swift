import Core
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Providers

/// `POST /token`: Google's OAuth 2.0 token endpoint for the JWT bearer grant (RFC 7523), as service accounts
/// use it. The form body carries `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and `assertion`, a
/// JWT that must be RS256-signed by the configured service account's key (`kid`, when present, its key id),
/// with `iss` its client email, `aud` the URL this endpoint was called at (`http://<host>/token`), a non-empty
/// `scope`, `exp` in the future and `exp - iat` at most 3600 s. Answers
/// `{"access_token":"ya29.mock-…","expires_in":N,"token_type":"Bearer"}` (N = `googleTokenLifetimeSeconds`),
/// else 400 `{"error":"invalid_grant"|"unsupported_grant_type"|"invalid_scope","error_description":"..."}`.
/// The log records the request with the assertion replaced by `[redacted]`.
extension MockLLM {
    static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    func googleToken(_ request: Request) async throws -> Response {
        let body = (try? await request.body.collect(upTo: 64 << 10)) ?? ByteBuffer()
        let form = Self.formFields(String(buffer: body))
        var redacted = form.map { $0.key == "assertion" ? "assertion=[redacted]" : "\($0.key)=\($0.value)" }
        redacted.sort()
        let recordID = log.record(request, body: ByteBuffer(string: redacted.joined(separator: "&")))
        let verdict = await grant(form, audience: "http://\(request.head.authority ?? "")/token")
        switch verdict {
        case .success(let scopes):
            let lifetime = configuration.googleTokenLifetimeSeconds
            let token = googleTokens.issue(lifetime: lifetime, scopes: scopes)
            log.finish(recordID, .responded)
            var out = ByteBuffer()
            out.writeStaticString("{\"access_token\":")
            out.writeJSONString(token)
            out.writeStaticString(",\"expires_in\":")
            out.writeJSONInt(lifetime)
            out.writeStaticString(",\"token_type\":\"Bearer\"}")
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: out))
        case .failure(let refusal):
            googleTokens.noteRefusal()
            log.finish(recordID, .unauthorized)
            var out = ByteBuffer()
            out.writeStaticString("{\"error\":")
            out.writeJSONString(refusal.error)
            out.writeStaticString(",\"error_description\":")
            out.writeJSONString(refusal.description)
            out.writeStaticString("}")
            return Response(status: .badRequest, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: out))
        }
    }

    struct GrantRefusal: Error {
        let error: String
        let description: String
        static func invalid(_ description: String) -> GrantRefusal { GrantRefusal(error: "invalid_grant", description: description) }
    }

    /// Checks the grant; on success, the scopes the token is for.
    private func grant(_ form: [String: String], audience: String) async -> Result<Set<String>, GrantRefusal> {
        guard form["grant_type"] == Self.jwtBearerGrant else {
            return .failure(GrantRefusal(error: "unsupported_grant_type", description: "Invalid grant_type: expected \(Self.jwtBearerGrant)"))
        }
        guard let account = configuration.googleServiceAccount else {
            return .failure(.invalid("No service account is configured on this mock (--google-service-account)"))
        }
        guard let assertion = form["assertion"] else { return .failure(.invalid("Missing required parameter: assertion")) }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let claimsBytes = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2]),
            let header = try? JSONDecoder().decode(JSONValue.self, from: headerBytes),
            let claims = try? JSONDecoder().decode(JSONValue.self, from: claimsBytes)
        else { return .failure(.invalid("Invalid JWT: not a compact JWS")) }
        guard header["alg"]?.stringValue == "RS256" else { return .failure(.invalid("Invalid JWT: alg must be RS256")) }
        if let kid = header["kid"], kid.stringValue != account.privateKeyID {
            return .failure(.invalid("Invalid JWT Signature: unknown key id"))
        }
        guard await Self.verify(signature, signs: Array((parts[0] + "." + parts[1]).utf8), with: account) else {
            return .failure(.invalid("Invalid JWT Signature."))
        }
        guard claims["iss"]?.stringValue == account.clientEmail else {
            return .failure(.invalid("Invalid email or User ID"))
        }
        guard claims["aud"]?.stringValue == audience else { return .failure(.invalid("Invalid JWT: Failed audience check.")) }
        let now = Int(Date().timeIntervalSince1970)
        guard let iat = claims["iat"]?.intValue, let exp = claims["exp"]?.intValue, exp > now, exp - iat <= 3600,
            exp > iat, iat <= now + 300
        else {
            return .failure(.invalid(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."))
        }
        let scopes = Set((claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init))
        guard !scopes.isEmpty else {
            return .failure(GrantRefusal(error: "invalid_scope", description: "Invalid OAuth scope or ID token audience provided."))
        }
        return .success(scopes)
    }

    private static func verify(_ signature: Data, signs input: [UInt8], with account: ServiceAccountKey) async -> Bool {
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: account.privateKeyID)
        await keys.add(rsa: account.publicKey, digestAlgorithm: .sha256, kid: kid)
        guard let verifier = try? await keys.getKey(for: kid, alg: "RS256") else { return false }
        return (try? verifier.verify(signature, signs: input)) ?? false
    }

    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return fields
    }

    static func base64URL(_ text: Substring) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
