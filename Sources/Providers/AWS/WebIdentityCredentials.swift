import AsyncHTTPClient
import Core
import NIOCore
import NIOHTTP1

import Foundation

/// Temporary credentials from STS `AssumeRoleWithWebIdentity` (IRSA on EKS, or any OIDC federation):
/// the web identity token is read from its reference at every refresh (EKS rotates the mounted file),
/// exchanged for credentials, and the credentials are cached until `refreshMargin` before they expire.
///
/// - One refresh at a time: callers arriving during a refresh wait for it (single flight).
/// - A failed refresh while the cached credentials are still valid keeps using them, and the next
///   attempt waits `retryAfterFailure`; with nothing valid left, the failure is thrown (fail closed).
/// - STS is called unsigned, as the API allows, with a form body. Neither the token nor the returned
///   secret appears in an error: an STS refusal becomes its error code and a sanitised message.
public actor WebIdentityCredentials: AWSCredentialSource {
    /// One STS call: the form body to POST to the endpoint; the answer's status and body.
    public struct STSRequest: Sendable, Equatable {
        public var url: String
        public var formBody: String
    }

    public typealias Transport = @Sendable (STSRequest) async throws -> (status: Int, body: [UInt8])

    public nonisolated let provider: String
    public nonisolated let roleARN: String
    public nonisolated let roleSessionName: String
    public nonisolated let durationSeconds: Int
    public nonisolated let stsEndpoint: String
    private let webIdentityToken: SecretReference
    private let environment: [String: String]?
    private let refreshMargin: Duration
    private let retryAfterFailure: Duration
    private let transport: Transport
    private let now: @Sendable () -> Date

    private var cached: AWSCredentials?
    private var refreshing: Task<Result<AWSCredentials, UpstreamError>, Never>?
    private var lastFailure: Date?

    /// `stsEndpoint` defaults to `https://sts.<region>.amazonaws.com/`. `provider` names the provider
    /// in errors. `environment` replaces the process environment for an `env:` token reference (tests).
    public init(
        provider: String, region: String, roleARN: String, webIdentityToken: SecretReference,
        roleSessionName: String = "portcullis", durationSeconds: Int = 3600, stsEndpoint: String? = nil,
        refreshMargin: Duration = .seconds(300), retryAfterFailure: Duration = .seconds(10),
        environment: [String: String]? = nil, now: @escaping @Sendable () -> Date = { Date() },
        transport: @escaping Transport
    ) {
        self.provider = provider
        self.roleARN = roleARN
        self.webIdentityToken = webIdentityToken
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.stsEndpoint = stsEndpoint ?? "https://sts.\(region).amazonaws.com/"
        self.refreshMargin = refreshMargin
        self.retryAfterFailure = retryAfterFailure
        self.environment = environment
        self.now = now
        self.transport = transport
    }

    /// The same, calling STS through `httpClient` (answers up to 1 MiB, 10 s timeout). Give it a client
    /// that does not follow redirects (`redirectConfiguration = .disallow`, as the gateway's provider
    /// client is): the form carries the web identity token. A redirect answer is then a refusal.
    public init(
        provider: String, region: String, roleARN: String, webIdentityToken: SecretReference,
        roleSessionName: String = "portcullis", durationSeconds: Int = 3600, stsEndpoint: String? = nil,
        refreshMargin: Duration = .seconds(300), httpClient: HTTPClient
    ) {
        self.init(
            provider: provider, region: region, roleARN: roleARN, webIdentityToken: webIdentityToken,
            roleSessionName: roleSessionName, durationSeconds: durationSeconds, stsEndpoint: stsEndpoint,
            refreshMargin: refreshMargin, transport: Self.transport(httpClient))
    }

    public func credentials() async throws(UpstreamError) -> AWSCredentials {
        let start = now()
        if let cached, remaining(cached, at: start) > refreshMargin { return cached }
        if let cached, remaining(cached, at: start) > .zero, let lastFailure,
            start.timeIntervalSince(lastFailure) < Self.seconds(retryAfterFailure)
        {
            return cached
        }
        switch await refresh() {
        case .success(let fresh):
            return fresh
        case .failure(let error):
            if let cached, remaining(cached, at: now()) > .zero { return cached }
            throw error
        }
    }

    /// Joins the refresh under way, or starts one; stores its outcome.
    private func refresh() async -> Result<AWSCredentials, UpstreamError> {
        if let refreshing { return await refreshing.value }
        let task = Task { await self.assumeRole() }
        refreshing = task
        let result = await task.value
        refreshing = nil
        switch result {
        case .success(let fresh):
            cached = fresh
            lastFailure = nil
        case .failure:
            lastFailure = now()
        }
        return result
    }

    private func remaining(_ credentials: AWSCredentials, at instant: Date) -> Duration {
        guard let expiration = credentials.expiration else { return .seconds(Int64.max / 2) }
        return .milliseconds(Int64((expiration.timeIntervalSince(instant) * 1000).rounded(.down)))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// One `AssumeRoleWithWebIdentity` call with the token as it is now.
    private func assumeRole() async -> Result<AWSCredentials, UpstreamError> {
        let token: String
        do {
            token = try environment.map { try webIdentityToken.resolve(environment: $0) } ?? webIdentityToken.resolve()
        } catch let failure as SecretReference.Failure {
            return .failure(.misconfigured(provider: provider, reason: "web identity token: \(failure.description)"))
        } catch {
            return .failure(.misconfigured(provider: provider, reason: "web identity token unreadable"))
        }
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", roleSessionName), ("WebIdentityToken", token),
            ("DurationSeconds", String(durationSeconds)),
        ].map { "\($0.0)=\(SigV4Encoding.percentEncode($0.1))" }.joined(separator: "&")
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await transport(STSRequest(url: stsEndpoint, formBody: form))
        } catch {
            return .failure(.unreachable(provider: provider, reason: "STS AssumeRoleWithWebIdentity: no answer"))
        }
        let text = String(decoding: answer.body, as: UTF8.self)
        if answer.status == 200 {
            guard let credentials = STSAnswer.credentials(text) else {
                return .failure(.invalidAnswer(provider: provider, reason: "STS answer without usable credentials"))
            }
            return .success(credentials)
        }
        return .failure(Self.refusal(status: answer.status, text: text, token: token, provider: provider))
    }

    /// An STS error answer as a short reason: status, code and the message (the token removed, cut
    /// to 160 characters). 4xx is a configuration problem; anything else the service's.
    static func refusal(status: Int, text: String, token: String, provider: String) -> UpstreamError {
        var reason = "STS AssumeRoleWithWebIdentity refused (\(status))"
        if let (code, message) = STSAnswer.error(text) {
            var clean = token.isEmpty ? message : message.replacingOccurrences(of: token, with: "[token]")
            clean = String(clean.unicodeScalars.filter { $0.value >= 0x20 }.prefix(160).map(Character.init))
            reason += ": \(code.prefix(64))" + (clean.isEmpty ? "" : " (\(clean))")
        }
        return (400..<500).contains(status)
            ? .misconfigured(provider: provider, reason: reason) : .unreachable(provider: provider, reason: reason)
    }

    /// STS over AsyncHTTPClient.
    static func transport(_ client: HTTPClient) -> Transport {
        { request in
            var http = HTTPClientRequest(url: request.url)
            http.method = .POST
            http.headers.add(name: "content-type", value: "application/x-www-form-urlencoded; charset=utf-8")
            http.headers.add(name: "accept", value: "text/xml")
            http.body = .bytes(ByteBuffer(string: request.formBody))
            let response = try await client.execute(http, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Array(body.readableBytesView))
        }
    }
}
