import AsyncHTTPClient
import Core
import Foundation
import NIOCore

/// Bedrock: each request is signed with SigV4 over its final bytes, with credentials from their source (static
/// keys, or temporary ones from AssumeRoleWithWebIdentity, refreshed before they expire).
public struct SigV4Authorizer: RequestAuthorizer {
    public let source: any AWSCredentialSource
    public let signer: SigV4Signer

    public init(source: any AWSCredentialSource, signer: SigV4Signer) {
        self.source = source
        self.signer = signer
    }

    public func authorize(method: String, url: String, headers: inout [(String, String)], body: ByteBufferView) async throws(UpstreamError) {
        let credentials = try await source.credentials()
        headers += signer.signingHeaders(method: method, url: url, headers: headers, body: Array(body), credentials: credentials, date: Date())
    }
}

/// Vertex AI: the service account's current OAuth access token, as a bearer.
public struct BearerTokenAuthorizer: RequestAuthorizer {
    public let source: any GoogleAccessTokenSource

    public init(source: any GoogleAccessTokenSource) {
        self.source = source
    }

    public func authorize(method: String, url: String, headers: inout [(String, String)], body: ByteBufferView) async throws(UpstreamError) {
        headers.append(("authorization", "Bearer " + (try await source.accessToken())))
    }
}

extension ProviderClient {
    /// A client for one configured provider, with the authorizer its kind needs: SigV4 for Bedrock (static keys
    /// or web identity through `httpClient`), a service-account token for Vertex AI. Secrets are resolved here,
    /// once: a missing one stops start-up.
    public static func make(
        name: String, configuration: ProviderConfiguration, httpClient: HTTPClient, environment: [String: String]? = nil
    ) throws -> ProviderClient {
        var authorizer: (any RequestAuthorizer)?
        switch configuration.kind {
        case .bedrock:
            guard let aws = configuration.aws else { throw UpstreamError.misconfigured(provider: name, reason: "no aws settings") }
            let source: any AWSCredentialSource
            if let web = aws.webIdentity {
                source = WebIdentityCredentials(
                    provider: name, region: aws.region, roleARN: web.roleARN, webIdentityToken: web.token, roleSessionName: web.sessionName,
                    durationSeconds: web.durationSeconds, stsEndpoint: web.stsEndpoint, refreshMargin: .seconds(web.refreshBeforeSeconds),
                    httpClient: httpClient)
            } else if let keyID = aws.accessKeyID, let secret = aws.secretAccessKey {
                source = try StaticAWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: aws.sessionToken, environment: environment)
            } else {
                throw UpstreamError.misconfigured(provider: name, reason: "no AWS credentials")
            }
            authorizer = SigV4Authorizer(source: source, signer: SigV4Signer(region: aws.region, service: "bedrock"))
        case .vertex:
            guard let vertex = configuration.vertex else { throw UpstreamError.misconfigured(provider: name, reason: "no vertex settings") }
            let json = try environment.map { try vertex.serviceAccount.resolve(environment: $0) } ?? vertex.serviceAccount.resolve()
            authorizer = BearerTokenAuthorizer(source: try ServiceAccountTokenSource.using(
                httpClient, provider: name, serviceAccountJSON: json, tokenEndpoint: vertex.tokenEndpoint))
        case .openai, .azure, .vllm, .ollama, .anthropic, .gemini:
            authorizer = nil
        }
        return try ProviderClient(name: name, configuration: configuration, httpClient: httpClient, environment: environment, authorizer: authorizer)
    }
}
