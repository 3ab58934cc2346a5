import Core
import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Providers
import Testing

/// A throw-away service account for the Google tests (key generated per run, never stored), the mock
/// configured to trust it, and helpers to read Google answers and CRLF-framed event streams.
enum Google {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let email = "gateway@mock-project.iam.gserviceaccount.com"

    static func accountJSON(key: _RSA.Signing.PrivateKey = key, email: String = email) -> String {
        let fields = [
            "type": "service_account", "project_id": "mock-project", "private_key_id": "mock-key-1",
            "private_key": key.pkcs8PEMRepresentation, "client_email": email,
            "token_uri": "http://localhost/token",
        ]
        return String(decoding: try! JSONEncoder().encode(fields), as: UTF8.self)
    }

    static func configuration(lifetime: Int = 3600) -> MockUpstreamConfiguration {
        MockUpstreamConfiguration(
            googleAPIKey: "gemini-test-key", googleServiceAccount: try! ServiceAccountKey(json: accountJSON()),
            googleTokenLifetimeSeconds: lifetime)
    }

    static let geminiHeaders = HTTPFields(["x-goog-api-key": "gemini-test-key"])
    static let vertexPath = "/v1/projects/mock-project/locations/us-central1/publishers/google/models/"

    /// A token source whose exchange posts to the mock's `/token` through the test client.
    static func tokenSource(
        _ client: some TestClientProtocol, json: String = accountJSON(), tokenEndpoint: String? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws -> ServiceAccountTokenSource {
        try ServiceAccountTokenSource(
            provider: "vertex", serviceAccountJSON: json, tokenEndpoint: tokenEndpoint,
            exchange: { _, body in
                try await client.execute(
                    uri: "/token", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(bytes: body)
                ) { (Int($0.status.code), Array($0.body.readableBytesView)) }
            }, now: now)
    }

    static func text(_ answer: JSONValue) -> String {
        (answer["candidates"]?[0]?["content"]?["parts"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
    }

    /// Splits a Google event stream: every event is `data: <json>\r\n\r\n`.
    static func chunks(_ buffer: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\r\n\r\n"), sourceLocation: sourceLocation)
        #expect(!text.contains("[DONE]"), sourceLocation: sourceLocation)
        return try text.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.map { event in
            #expect(event.hasPrefix("data: "), sourceLocation: sourceLocation)
            return try Wire.parse(String(event.dropFirst(6)))
        }
    }
}
