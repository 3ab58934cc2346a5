import Core
import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// The built-in development issuer of `portcullis demo`: an ES256 and an RS256 key, a JWKS and a discovery
/// document to serve on loopback, and tokens for any user or service. Its tokens are verified by the same
/// `IdentityVerifier` path as a real IdP's. Development only: the private keys live in the demo's data directory.
///
/// Files under `<dataDirectory>/dev-idp/`: `es256.pem`, `rs256.pem` (mode 0600) and `issuer.json`
/// (`{"issuer": ..., "audience": ...}`), which `portcullis token` reads to sign tokens while the demo runs.
public final class DevelopmentIssuer: Sendable {
    public static let defaultAudience = "portcullis"

    public let issuer: String
    public let audience: String
    private let es256: any JWTAlgorithm
    private let rs256: any JWTAlgorithm
    private let es256KeyID: String
    private let rs256KeyID: String
    private let jwks: String

    /// Loads the keys from `dataDirectory` (creating and saving them the first time) or, without a directory,
    /// generates throw-away keys. `issuer` is usually `http://127.0.0.1:PORT/dev-idp`.
    public static func create(issuer: String, audience: String = defaultAudience, dataDirectory: String?) async throws
        -> DevelopmentIssuer
    {
        var ecKey = ES256PrivateKey()
        var rsaKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        if let dataDirectory {
            let dir = URL(fileURLWithPath: dataDirectory).appendingPathComponent("dev-idp")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let ecFile = dir.appendingPathComponent("es256.pem").path
            let rsaFile = dir.appendingPathComponent("rs256.pem").path
            if let pem = try? String(contentsOfFile: ecFile, encoding: .utf8) { ecKey = try ES256PrivateKey(pem: pem) }
            else { try writeSecret(ecKey.pemRepresentation, to: ecFile) }
            if let pem = try? String(contentsOfFile: rsaFile, encoding: .utf8) { rsaKey = try JWTKit.Insecure.RSA.PrivateKey(pem: pem) }
            else { try writeSecret(rsaKey.pemRepresentation, to: rsaFile) }
            let state = try JSONEncoder().encode(["issuer": issuer, "audience": audience])
            try state.write(to: dir.appendingPathComponent("issuer.json"))
        }
        return try await DevelopmentIssuer(issuer: issuer, audience: audience, ecKey: ecKey, rsaKey: rsaKey)
    }

    /// The issuer the running demo recorded in `dataDirectory`, with its keys (for `portcullis token`).
    public static func load(dataDirectory: String) async throws -> DevelopmentIssuer {
        let dir = URL(fileURLWithPath: dataDirectory).appendingPathComponent("dev-idp")
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("issuer.json").path),
            let state = try? JSONDecoder().decode([String: String].self, from: data), let issuer = state["issuer"]
        else {
            throw IdentitySetupFailure(description: "no development issuer in \(dataDirectory) (start `portcullis demo` first)")
        }
        let ec = try ES256PrivateKey(pem: String(contentsOfFile: dir.appendingPathComponent("es256.pem").path, encoding: .utf8))
        let rsa = try JWTKit.Insecure.RSA.PrivateKey(pem: String(contentsOfFile: dir.appendingPathComponent("rs256.pem").path, encoding: .utf8))
        return try await DevelopmentIssuer(issuer: issuer, audience: state["audience"] ?? defaultAudience, ecKey: ec, rsaKey: rsa)
    }

    private static func writeSecret(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw IdentitySetupFailure(description: "cannot write \(path)") }
    }

    private init(issuer: String, audience: String, ecKey: ES256PrivateKey, rsaKey: JWTKit.Insecure.RSA.PrivateKey) async throws {
        self.issuer = issuer
        self.audience = audience
        guard let ec = ecKey.publicKey.parameters else { throw IdentitySetupFailure(description: "EC key has no coordinates") }
        let (n, e) = try rsaKey.publicKey.getKeyPrimitives()
        let ecJWK: [String: String] = ["kty": "EC", "crv": "P-256", "x": ec.x, "y": ec.y]
        let rsaJWK: [String: String] = ["kty": "RSA", "n": Base64URL.encode(n), "e": Base64URL.encode(e)]
        guard let ecThumbprint = JWKThumbprint.sha256(ecJWK), let rsaThumbprint = JWKThumbprint.sha256(rsaJWK) else {
            throw IdentitySetupFailure(description: "development keys have no RFC 7638 thumbprint")
        }
        (es256KeyID, rs256KeyID) = (ecThumbprint, rsaThumbprint)
        let signers = JWTKeyCollection()
        await signers.add(ecdsa: ecKey, kid: JWKIdentifier(string: es256KeyID))
        await signers.add(rsa: rsaKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: rs256KeyID))
        es256 = try await signers.getKey(for: JWKIdentifier(string: es256KeyID))
        rs256 = try await signers.getKey(for: JWKIdentifier(string: rs256KeyID))
        var keys: [[String: String]] = []
        keys.append(ecJWK.merging(["kid": es256KeyID, "alg": "ES256", "use": "sig"]) { a, _ in a })
        keys.append(rsaJWK.merging(["kid": rs256KeyID, "alg": "RS256", "use": "sig"]) { a, _ in a })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        jwks = String(decoding: try encoder.encode(["keys": keys]), as: UTF8.self)
    }

    /// The public keys, as served at `<issuer>/jwks`.
    public func jwksJSON() -> String { jwks }

    /// The OpenID discovery document, as served at `<issuer>/.well-known/openid-configuration`.
    public func discoveryJSON() -> String {
        let doc: [String: JSONValue] = [
            "issuer": .string(issuer), "jwks_uri": .string(issuer + "/jwks"),
            "id_token_signing_alg_values_supported": .array([.string("ES256"), .string("RS256")]),
            "response_types_supported": .array([.string("token")]),
            "subject_types_supported": .array([.string("public")]),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(doc)) ?? Data(), as: UTF8.self)
    }

    /// The issuer configuration that trusts this development issuer (generic mapping, access tokens only; the
    /// client a user token names in `azp` acts for the user).
    public func issuerConfiguration(name: String = "dev") -> IssuerConfiguration {
        var mapping = ClaimMappingConfiguration()
        mapping.actorClient = ["/azp"]
        return IssuerConfiguration(name: name, issuer: issuer, audiences: [audience], discovery: true,
                                   requireAccessTokenTyp: true, claimMapping: mapping)
    }

    /// What a development token says beyond its subject: delegation and sender constraint.
    public struct Delegation: Sendable {
        /// RFC 8693 actors, nearest first (`act`, nested).
        public var actors: [String]
        /// The client application the user token is issued to (`azp`).
        public var client: String?
        /// RFC 8693 `may_act.sub`.
        public var mayAct: String?
        /// `cnf.jkt`: the DPoP key's JWK thumbprint the token is bound to.
        public var dpopThumbprint: String?
        /// `cnf.x5t#S256`: the client certificate's thumbprint the token is bound to.
        public var certificateThumbprint: String?

        public init(actors: [String] = [], client: String? = nil, mayAct: String? = nil, dpopThumbprint: String? = nil,
                    certificateThumbprint: String? = nil) {
            self.actors = actors
            self.client = client
            self.mayAct = mayAct
            self.dpopThumbprint = dpopThumbprint
            self.certificateThumbprint = certificateThumbprint
        }

        func apply(to claims: inout [String: JSONValue]) {
            var act: JSONValue?
            for actor in actors.reversed() {
                var member: [String: JSONValue] = ["sub": .string(actor)]
                if let inner = act { member["act"] = inner }
                act = .object(member)
            }
            if let act { claims["act"] = act }
            if let client { claims["azp"] = .string(client) }
            if let mayAct { claims["may_act"] = .object(["sub": .string(mayAct)]) }
            if let jkt = dpopThumbprint { claims["cnf"] = .object(["jkt": .string(jkt)]) }
            if let x5t = certificateThumbprint { claims["cnf"] = .object(["x5t#S256": .string(x5t)]) }
        }
    }

    /// A signed RFC 9068 access token (`typ: at+jwt`). A service token carries `client_id == sub`.
    public func issueToken(
        subject: String, name: String? = nil, email: String? = nil, groups: [String] = [], roles: [String] = [],
        scopes: [String] = ["llm"], kind: Principal.Kind = .user, ttl: Int = 3600, algorithm: String = "ES256",
        audience: String? = nil, delegation: Delegation = Delegation()
    ) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "sub": .string(subject), "aud": .string(audience ?? self.audience), "iat": .integer(now),
            "nbf": .integer(now), "exp": .integer(now + ttl), "jti": .string(UUID().uuidString.lowercased()),
            "groups": .array(groups.map(JSONValue.string)), "roles": .array(roles.map(JSONValue.string)),
            "scope": .string(scopes.joined(separator: " ")),
            "client_id": .string(kind == .service ? subject : "portcullis-demo"),
        ]
        if let name { claims["name"] = .string(name) }
        if let email { claims["email"] = .string(email) }
        delegation.apply(to: &claims)
        let useRSA = algorithm == "RS256"
        let header: [String: JSONValue] = [
            "alg": .string(useRSA ? "RS256" : "ES256"), "kid": .string(useRSA ? rs256KeyID : es256KeyID),
            "typ": .string("at+jwt"),
        ]
        return try Self.sign(header: header, claims: claims, with: useRSA ? rs256 : es256)
    }

    static func sign(header: [String: JSONValue], claims: [String: JSONValue], with algorithm: any JWTAlgorithm) throws
        -> String
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = Base64URL.encode(try encoder.encode(JSONValue.object(header))) + "."
            + Base64URL.encode(try encoder.encode(JSONValue.object(claims)))
        return input + "." + Base64URL.encode(try algorithm.sign(Array(input.utf8)))
    }
}
