import Core
import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Logging
import Synchronization

@testable import Identity

/// A test clock the tests move by hand.
final class ManualClock: IdentityClock {
    private let value: Mutex<Double>
    init(_ start: Double = 1_800_000_000) { value = Mutex(start) }
    func now() -> Double { value.withLock { $0 } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
}

/// A JWKS source the tests control: serves a document (or fails) and counts fetches. No network.
final class FakeJWKSSource: JWKSSource {
    private struct State {
        var document: String
        var maxAge: Int?
        var failing = false
        var fetches = 0
    }
    private let state: Mutex<State>
    init(_ document: String, maxAge: Int? = nil) { state = Mutex(State(document: document, maxAge: maxAge)) }
    var fetches: Int { state.withLock { $0.fetches } }
    func serve(_ document: String, maxAge: Int? = nil) { state.withLock { $0.document = document; $0.maxAge = maxAge } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    func fetch() async throws -> FetchedJWKS {
        let s = state.withLock { s in s.fetches += 1; return s }
        if s.failing { throw JWKSLocation.Failure(description: "IdP unreachable (test)") }
        return FetchedJWKS(document: Data(s.document.utf8), maxAge: s.maxAge)
    }
}

/// A signing key with its kid and public JWK, created at test time with jwt-kit.
struct TestKey: Sendable {
    let kid: String
    let algorithm: String
    let signer: any JWTAlgorithm
    let publicJWK: [String: String]

    static func es256(kid: String = "ec-1") async throws -> TestKey {
        let key = ES256PrivateKey()
        let p = key.publicKey.parameters!
        return try await make(kid: kid, alg: "ES256", jwk: ["kty": "EC", "crv": "P-256", "x": p.x, "y": p.y]) {
            await $0.add(ecdsa: key, kid: $1)
        }
    }

    static func rsa(kid: String = "rsa-1", alg: String = "RS256", backing: _RSA.Signing.PrivateKey = sharedRSA) async throws -> TestKey {
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: backing)
        let (n, e) = try key.publicKey.getKeyPrimitives()
        let jwk = ["kty": "RSA", "n": b64(n), "e": b64(e)]
        return try await make(kid: kid, alg: alg, jwk: jwk) { c, k in
            if alg.hasPrefix("PS") { await c.add(pss: key, digestAlgorithm: .sha256, kid: k) }
            else { await c.add(rsa: key, digestAlgorithm: .sha256, kid: k) }
        }
    }

    static func eddsa(kid: String = "ed-1") async throws -> TestKey {
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let x = b64(key.publicKey.rawRepresentation)
        return try await make(kid: kid, alg: "EdDSA", jwk: ["kty": "OKP", "crv": "Ed25519", "x": x]) {
            await $0.add(eddsa: key, kid: $1)
        }
    }

    private static func make(kid: String, alg: String, jwk: [String: String],
                             add: (JWTKeyCollection, JWKIdentifier) async -> Void) async throws -> TestKey {
        let c = JWTKeyCollection()
        await add(c, JWKIdentifier(string: kid))
        let signer = try await c.getKey(for: JWKIdentifier(string: kid))
        return TestKey(kid: kid, algorithm: alg, signer: signer, publicJWK: jwk.merging(["kid": kid]) { a, _ in a })
    }

    /// The public JWK, optionally with an `alg` member.
    func jwk(withAlg: Bool = true) -> [String: String] {
        withAlg ? publicJWK.merging(["alg": algorithm, "use": "sig"]) { a, _ in a } : publicJWK
    }

    func sign(_ claims: [String: JSONValue], header: [String: JSONValue] = [:]) throws -> String {
        var h: [String: JSONValue] = ["alg": .string(algorithm), "kid": .string(kid), "typ": .string("at+jwt")]
        for (k, v) in header { h[k] = v }
        return try DevelopmentIssuer.sign(header: h, claims: claims, with: signer)
    }
}

/// One RSA key for the whole test run (generation is slow).
let sharedRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

func b64<D: Collection>(_ d: D) -> String where D.Element == UInt8 { Base64URL.encode(d) }

func jwks(_ keys: [[String: String]]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try! encoder.encode(["keys": keys]), as: UTF8.self)
}

/// A verifier over one issuer, with a fake JWKS source and a manual clock.
struct Harness {
    static let issuer = "https://idp.example.test/realms/staff"
    static let audience = "api://portcullis"

    let verifier: IdentityVerifier
    let source: FakeJWKSSource
    let clock: ManualClock

    init(keys: [TestKey], configure: (inout IssuerConfiguration) -> Void = { _ in },
         identity: (inout IdentityConfiguration) -> Void = { _ in }, environment: [String: String] = [:]) throws {
        var issuer = IssuerConfiguration(name: "staff", issuer: Self.issuer, audiences: [Self.audience],
                                         algorithms: ["RS256", "ES256", "PS256", "EdDSA"])
        configure(&issuer)
        var configuration = IdentityConfiguration(issuers: [issuer])
        identity(&configuration)
        let source = FakeJWKSSource(jwks(keys.map { $0.jwk() }))
        let clock = ManualClock()
        self.source = source
        self.clock = clock
        verifier = try IdentityVerifier(
            configuration: configuration, clock: clock, logger: quietLogger, environment: environment
        ) { _ in source }
    }

    var now: Int { Int(clock.now()) }

    /// Claims of a valid access token now.
    func claims(_ extra: [String: JSONValue] = [:], removing: [String] = []) -> [String: JSONValue] {
        var c: [String: JSONValue] = [
            "iss": .string(Self.issuer), "sub": .string("alice"), "aud": .string(Self.audience),
            "exp": .integer(now + 300), "iat": .integer(now - 10), "nbf": .integer(now - 10), "scope": .string("llm"),
        ]
        for (k, v) in extra { c[k] = v }
        for k in removing { c.removeValue(forKey: k) }
        return c
    }

    func authenticate(_ token: String) async throws(AuthenticationFailure) -> Principal {
        try await verifier.authenticate(Credentials(authorization: "Bearer " + token))
    }

    /// The failure reason for a token (nil when it was accepted).
    func refusal(_ token: String) async -> AuthenticationFailure? {
        do {
            _ = try await authenticate(token)
            return nil
        } catch {
            return error
        }
    }
}

let quietLogger = Logger(label: "identity-test", factory: { _ in SwiftLogNoOpLogHandler() })
