import AsyncHTTPClient
import Foundation
import NIOCore

extension ServiceAccountTokenSource {
    /// A token source that posts to the token endpoint with `httpClient`. Redirects are refused (the
    /// assertion would go along); answers are read up to 1 MiB.
    public static func using(
        _ httpClient: HTTPClient, provider: String, serviceAccountJSON: String, tokenEndpoint: String? = nil,
        scopes: [String] = [ServiceAccountTokenSource.cloudPlatformScope], refreshMargin: Duration = .seconds(300),
        timeout: TimeAmount = .seconds(10)
    ) throws(UpstreamError) -> ServiceAccountTokenSource {
        try ServiceAccountTokenSource(
            provider: provider, serviceAccountJSON: serviceAccountJSON, tokenEndpoint: tokenEndpoint, scopes: scopes,
            refreshMargin: refreshMargin,
            exchange: { url, body in
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
                request.headers.add(name: "accept", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
                let response = try await httpClient.execute(request, timeout: timeout)
                if (300..<400).contains(response.status.code) {
                    throw UpstreamError.unreachable(
                        provider: provider, reason: "token endpoint redirected (\(response.status.code)), not followed")
                }
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), Array(bytes.readableBytesView))
            })
    }
}
