import AsyncHTTPClient
import Logging

/// Sends one request to the token endpoint and returns the status and body. Tests supply a fake.
protocol TokenEndpointTransport: Sendable {
    func post(url: String, request: TokenEndpointRequest, timeoutSeconds: Int) async throws(TokenExchangeFailure) -> (status: Int, body: [UInt8])
}

/// The token endpoint over HTTP. Give it a client that does not follow redirects
/// (`redirectConfiguration: .disallow`, the identity client): a redirect would carry the client secret and the
/// user's token elsewhere, so a 3xx is a refusal here. Answers are read up to `IssuedToken.maximumAnswerBytes`;
/// the whole exchange is bounded by `timeoutSeconds`. Failures name the kind of error, never the request.
struct HTTPTokenEndpointTransport: TokenEndpointTransport {
    let client: HTTPClient
    let logger: Logger

    func post(url: String, request: TokenEndpointRequest, timeoutSeconds: Int) async throws(TokenExchangeFailure) -> (status: Int, body: [UInt8]) {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.body = .bytes(request.body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(http, timeout: .seconds(Int64(timeoutSeconds)), logger: logger)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw TokenExchangeFailure(.timeout, "no answer from the token endpoint within \(timeoutSeconds) s")
        } catch {
            throw TokenExchangeFailure(.unreachable, "the token endpoint cannot be reached (\(type(of: error)))")
        }
        let status = Int(response.status.code)
        if (300..<400).contains(status) {
            throw TokenExchangeFailure(.refused, "the token endpoint redirected (\(status)); redirects are not followed")
        }
        do {
            let body = try await response.body.collect(upTo: IssuedToken.maximumAnswerBytes)
            return (status, Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw TokenExchangeFailure(.timeout, "the token endpoint's answer did not arrive within \(timeoutSeconds) s")
        } catch {
            throw TokenExchangeFailure(.invalidAnswer, "the answer is larger than \(IssuedToken.maximumAnswerBytes) bytes or was cut")
        }
    }
}
