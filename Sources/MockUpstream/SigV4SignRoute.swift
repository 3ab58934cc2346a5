import Hummingbird
import Providers

import Foundation

/// `POST /mock/sigv4/sign`: signs a described request with the gateway's `SigV4Signer` and answers
/// the headers it would add, so `tests/e2e/test_sigv4.py` can compare them with botocore's. A test
/// control, like `/mock/requests`: the body carries test keys, and neither it nor the answer is logged.
///
/// Body: `{"method","url","headers":[[k,v],...],"body_b64","access_key_id","secret_access_key",
/// "session_token"|null,"region","service","amz_date":"yyyyMMddTHHmmssZ"}`. Answer:
/// `{"headers":[[k,v],...],"canonical_request","string_to_sign"}`.
extension MockLLM {
    struct SignRequest: Decodable {
        var method: String
        var url: String
        var headers: [[String]]
        var body_b64: String
        var access_key_id: String
        var secret_access_key: String
        var session_token: String?
        var region: String
        var service: String
        var amz_date: String
    }

    struct SignAnswer: Encodable {
        var headers: [[String]]
        var canonical_request: String
        var string_to_sign: String
    }

    func signForTest(_ request: Request) async throws -> Response {
        let raw = try await request.body.collect(upTo: 64 << 20)
        guard let input = try? JSONDecoder().decode(SignRequest.self, from: Data(raw.readableBytesView)),
            let body = Data(base64Encoded: input.body_b64), let seconds = AWSTimestamp.epochSeconds(amzDate: input.amz_date),
            input.headers.allSatisfy({ $0.count == 2 })
        else {
            return BedrockErrors.response(status: 400, type: "ValidationException", message: "malformed signing request", requestID: "sign")
        }
        let signed = SigV4Signer(region: input.region, service: input.service).sign(
            method: input.method, url: input.url, headers: input.headers.map { ($0[0], $0[1]) }, body: Array(body),
            credentials: AWSCredentials(
                accessKeyID: input.access_key_id, secretAccessKey: input.secret_access_key, sessionToken: input.session_token),
            date: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let answer = SignAnswer(
            headers: signed.headers.map { [$0.0, $0.1] }, canonical_request: signed.canonicalRequest,
            string_to_sign: signed.stringToSign)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(answer))))
    }
}
