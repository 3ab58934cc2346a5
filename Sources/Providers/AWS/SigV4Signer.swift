import Core
import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) over a request that is about to be sent.
///
/// Hand-written over swift-crypto's `SHA256` and `HMAC<SHA256>` because no package in the mirror
/// implements SigV4. It matches botocore's `SigV4Auth` byte for byte (checked by
/// `tests/e2e/test_sigv4.py` over hundreds of generated requests):
/// - canonical URI: the URL's path (already percent-encoded) with `.`/`..` and empty segments removed,
///   then percent-encoded again with `/` and `~` kept (`%3A` → `%253A`); an empty path is `/`;
/// - canonical query: the URL's pairs as sent, sorted by key then value;
/// - signed headers: every header lower-cased except the hop-by-hop and tracing ones botocore skips,
///   values trimmed with inner whitespace runs collapsed, repeated headers joined with `,`; `host`
///   from the URL (default port omitted) unless the request has one;
/// - payload hash: hex SHA-256 of the body (Bedrock signs its payloads), unless the request declares
///   one in `x-amz-content-sha256` (then that value as given, as botocore does: S3's `UNSIGNED-PAYLOAD`);
/// - `x-amz-date` (and `x-amz-security-token` with temporary credentials) added and signed; any
///   `authorization`, `x-amz-date` or (with a token) `x-amz-security-token` given is replaced.
public struct SigV4Signer: Sendable {
    public let region: String
    public let service: String

    /// Header names never signed (botocore `SIGNED_HEADERS_BLACKLIST`): hop-by-hop headers a proxy may
    /// change, and tracing headers.
    static let unsignedHeaders: Set<String> = [
        "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// Headers to add to the request: `x-amz-date`, `x-amz-security-token` (when a session token),
    /// `authorization`. `url` is the full request URL exactly as it is sent (path already
    /// percent-encoded, query string included). `headers` are the headers that will be sent (host is
    /// derived from the URL unless present).
    public func signingHeaders(
        method: String, url: String, headers: [(String, String)], body: [UInt8], credentials: AWSCredentials,
        date: Date
    ) -> [(String, String)] {
        let signed = sign(method: method, url: url, headers: headers, body: body, credentials: credentials, date: date)
        return signed.headers
    }

    /// The whole signing, with its intermediate texts (for tests and diagnostics; they hold no secret,
    /// but the canonical request carries the header values, the session token among them).
    public func sign(
        method: String, url: String, headers: [(String, String)], body: [UInt8], credentials: AWSCredentials,
        date: Date
    ) -> SigV4Signature {
        let amzDate = AWSTimestamp.amzDate(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
        let day = String(amzDate.prefix(8))
        var added: [(String, String)] = [("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }

        let replaced: Set<String> = credentials.sessionToken == nil
            ? ["authorization", "x-amz-date"] : ["authorization", "x-amz-date", "x-amz-security-token"]
        var toSign = headers.filter { !replaced.contains($0.0.lowercased()) } + added
        let parts = SigV4Encoding.split(url)
        let declared = headers.first { $0.0.lowercased() == "x-amz-content-sha256" }?.1
        let canonical = canonicalRequest(
            method: method, url: parts, headers: &toSign, payloadHash: declared ?? Self.hexSHA256(body))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.hexSHA256(Array(canonical.text.utf8)))"
        let signature = Hex.encode(
            HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: day, credentials)))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return SigV4Signature(
            canonicalRequest: canonical.text, stringToSign: stringToSign, signedHeaders: canonical.signedHeaders,
            signature: signature, headers: added + [("authorization", authorization)])
    }

    /// The canonical request of botocore's `SigV4Auth.canonical_request`, for headers that already
    /// include `x-amz-date` (and the security token); adds `host` to `headers` when missing.
    func canonicalRequest(
        method: String, url: SigV4Encoding.URLParts, headers: inout [(String, String)], payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard !Self.unsignedHeaders.contains(lower) else { continue }
            values[lower, default: []].append(value)
        }
        if values["host"] == nil {
            let host = SigV4Encoding.hostHeader(url)
            values["host"] = [host]
            headers.append(("host", host))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var text = method.uppercased() + "\n"
        text += SigV4Encoding.canonicalURI(url.path) + "\n"
        text += SigV4Encoding.canonicalQuery(url.query) + "\n"
        for name in names {
            text += name + ":" + values[name]!.map(SigV4Encoding.trimAll).joined(separator: ",") + "\n"
        }
        let signedHeaders = names.joined(separator: ";")
        text += "\n" + signedHeaders + "\n" + payloadHash
        return (text, signedHeaders)
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    private func signingKey(day: String, _ credentials: AWSCredentials) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        return mac(mac(mac(mac(secret, day), region), service), "aws4_request")
    }

    /// Lower-case hex of the SHA-256 of `bytes` (the payload hash).
    public static func hexSHA256(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}

/// One computed signature and the texts it was computed from.
public struct SigV4Signature: Sendable, Equatable {
    public var canonicalRequest: String
    public var stringToSign: String
    /// `host;x-amz-date;...`: the names in the `SignedHeaders` part of `authorization`.
    public var signedHeaders: String
    /// 64 lower-case hex digits.
    public var signature: String
    /// The headers to add: `x-amz-date`, `x-amz-security-token` (temporary credentials), `authorization`.
    public var headers: [(String, String)]

    public static func == (a: SigV4Signature, b: SigV4Signature) -> Bool {
        a.canonicalRequest == b.canonicalRequest && a.signature == b.signature
            && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
}
