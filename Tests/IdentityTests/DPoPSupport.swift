import Core
import Foundation

@testable import Identity

/// A DPoP verifier for `https://gateway.example.org`, a signer, an access token and a fixed clock.
struct DPoPHarness {
    static let publicURL = "https://gateway.example.org"
    static let path = "/v1/chat/completions"
    static let url = publicURL + path
    static let now: Double = 1_800_000_000
    static let accessToken = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"

    let signer = DPoPProofSigner()
    let configuration: DPoPConfiguration
    let verifier: DPoPVerifier

    init(environment: [String: String] = [:], replayStore: (any DPoPReplayStore)? = nil,
         configure: (inout DPoPConfiguration) -> Void = { _ in }) throws {
        var configuration = DPoPConfiguration(publicURL: Self.publicURL)
        configure(&configuration)
        self.configuration = configuration
        verifier = try DPoPVerifier(configuration: configuration, environment: environment, replayStore: replayStore)
    }

    /// A valid proof for POST `url` now, unless told otherwise.
    func proof(method: String = "POST", url: String = Self.url, accessToken: String? = Self.accessToken,
               nonce: String? = nil, iat: Double = Self.now, jti: String? = nil) throws -> String {
        try signer.proof(method: method, url: url, accessToken: accessToken, nonce: nonce, iat: Int(iat), jti: jti)
    }

    /// Valid claims now (for proofs the tests sign by hand).
    func claims(_ extra: [String: JSONValue] = [:], removing: [String] = []) -> [String: JSONValue] {
        var c: [String: JSONValue] = [
            "jti": "proof-1", "htm": "POST", "htu": .string(Self.url), "iat": .integer(Int(Self.now)),
            "ath": .string(DPoPVerifier.accessTokenHash(Substring(Self.accessToken))),
        ]
        for (k, v) in extra { c[k] = v }
        for k in removing { c.removeValue(forKey: k) }
        return c
    }

    func verify(_ proofs: [String], method: String = "POST", path: String = Self.path,
                accessToken: String = Self.accessToken, now: Double = Self.now) async throws(AuthenticationFailure) -> String {
        try await verifier.verify(proofs: proofs, method: method, path: path, accessToken: Substring(accessToken), now: now)
    }

    /// The refusal for these proofs, or nil when they were accepted.
    func refusal(_ proofs: [String], method: String = "POST", path: String = Self.path,
                 accessToken: String = Self.accessToken, now: Double = Self.now) async -> AuthenticationFailure? {
        do {
            _ = try await verify(proofs, method: method, path: path, accessToken: accessToken, now: now)
            return nil
        } catch {
            return error
        }
    }
}

/// `header.claims.signature` with any signature bytes (for proofs no honest signer makes).
func compactJWS(header: [String: JSONValue], claims: [String: JSONValue], sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
    let input = b64(JSONValue.object(header).serialized()) + "." + b64(JSONValue.object(claims).serialized())
    return input + "." + b64(try sign(Array(input.utf8)))
}
