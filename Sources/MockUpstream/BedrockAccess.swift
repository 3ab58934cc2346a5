import Hummingbird
import Providers
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who may call the Bedrock routes: the configured test keys, and the temporary credentials the mock
/// STS issued (each only with its own `x-amz-security-token`, and only until it expires). Verifies
/// SigV4 with the same `SigV4Signer` the gateway signs with, over the headers the request says it signed.
final class BedrockAccess: Sendable {
    struct Issued: Sendable {
        let secret: String
        let token: String
        let expiration: Date
    }

    /// Why a request is refused (403), in Bedrock's words.
    struct Refusal: Error, Equatable {
        let type: String
        let message: String
        /// What the request log notes (never the signature itself).
        let note: String

        static let missing = Refusal(
            type: "MissingAuthenticationTokenException", message: "Missing Authentication Token", note: "missing")
        static let unknownKey = Refusal(
            type: "UnrecognizedClientException", message: "The security token included in the request is invalid.",
            note: "unknown access key or security token")
        static let mismatch = Refusal(
            type: "InvalidSignatureException",
            message: "The request signature we calculated does not match the signature you provided. Check your AWS "
                + "Secret Access Key and signing method. Consult the service documentation for details.",
            note: "signature mismatch")
        static func skewed(_ amzDate: String) -> Refusal {
            Refusal(
                type: "InvalidSignatureException", message: "Signature expired: \(amzDate) is not within 5 minutes of the server time.",
                note: "date out of range")
        }
    }

    let settings: MockUpstreamConfiguration.AWSAccess
    private let issued = Mutex<[String: Issued]>([:])
    private let stsCalls = Atomic<Int>(0)

    init(_ settings: MockUpstreamConfiguration.AWSAccess) {
        self.settings = settings
    }

    var stsCallCount: Int { stsCalls.load(ordering: .relaxed) }
    func countSTSCall() { stsCalls.add(1, ordering: .relaxed) }

    /// Issues fresh temporary credentials valid for `seconds`.
    func issue(seconds: Int, now: Date = Date()) -> AWSCredentials {
        let key = "ASIA" + Self.random(16, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secret = Self.random(40, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let token = "IQoJb3JpZ2luX2VjE" + Self.random(96, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let expiration = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + Double(seconds)).rounded(.down))
        issued.withLock { $0[key] = Issued(secret: secret, token: token, expiration: expiration) }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    private static func random(_ n: Int, alphabet: String) -> String {
        let chars = Array(alphabet)
        var rng = SystemRandomNumberGenerator()
        return String((0..<n).map { _ in chars[Int(rng.next(upperBound: UInt(chars.count)))] })
    }

    /// Checks the request's SigV4 signature for `service`; returns the access key id that signed it.
    func verify(_ request: Request, body: ByteBuffer, service: String, now: Date = Date()) throws(Refusal) -> String {
        guard let authorization = request.headers[.authorization], let parsed = Self.parse(authorization),
            let amzDate = request.headers[.amzDate]
        else { throw .missing }
        guard let signedAt = AWSTimestamp.epochSeconds(amzDate: amzDate) else { throw .mismatch }
        guard abs(now.timeIntervalSince1970 - Double(signedAt)) <= Double(settings.maxClockSkewSeconds) else {
            throw .skewed(amzDate)
        }
        let scope = parsed.credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[3] == service, scope[4] == "aws4_request" else { throw .mismatch }
        let key = String(scope[0])
        let credentials: AWSCredentials
        if constantTimeEqual(key, settings.accessKeyID) {
            credentials = AWSCredentials(accessKeyID: key, secretAccessKey: settings.secretAccessKey)
        } else if let temporary = issued.withLock({ $0[key] }), temporary.expiration > now,
            let token = request.headers[.amzSecurityToken], constantTimeEqual(token, temporary.token)
        {
            credentials = AWSCredentials(accessKeyID: key, secretAccessKey: temporary.secret, sessionToken: token)
        } else {
            throw .unknownKey
        }
        // A declared payload hash is what gets signed: it must then be the body's.
        if let declared = request.headers[.amzContentSHA256],
            declared != SigV4Signer.hexSHA256(Array(body.readableBytesView))
        {
            throw .mismatch
        }
        let names = Set(parsed.signedHeaders.split(separator: ";").map(String.init))
        guard names.contains("host"), names.contains("x-amz-date") else { throw .mismatch }
        var headers: [(String, String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers where names.contains(field.name.canonicalName) {
            headers.append((field.name.canonicalName, field.value))
        }
        let signer = SigV4Signer(region: String(scope[2]), service: service)
        let url = "http://" + (request.head.authority ?? "localhost") + (request.head.path ?? "/")
        let expected = signer.sign(
            method: request.method.rawValue, url: url, headers: headers, body: Array(body.readableBytesView),
            credentials: credentials, date: Date(timeIntervalSince1970: TimeInterval(signedAt)))
        guard expected.signedHeaders == parsed.signedHeaders, constantTimeEqual(expected.signature, parsed.signature) else {
            throw .mismatch
        }
        return key
    }

    /// `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
    static func parse(_ authorization: String) -> (credential: String, signedHeaders: String, signature: String)? {
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
        var parts: [Substring: Substring] = [:]
        for item in authorization.dropFirst(17).split(separator: ",") {
            let trimmed = item.trimmingSpaces()
            guard let eq = trimmed.firstIndex(of: "=") else { return nil }
            parts[trimmed[..<eq]] = trimmed[trimmed.index(after: eq)...]
        }
        guard let c = parts["Credential"], let h = parts["SignedHeaders"], let s = parts["Signature"] else { return nil }
        return (String(c), String(h), String(s))
    }
}
