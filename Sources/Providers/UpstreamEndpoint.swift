import Core

/// Where and how to call one provider for one operation: URL and authentication headers.
/// Pure; the credential is resolved once at load by `ProviderClient`.
public struct UpstreamEndpoint: Sendable {
    public let url: String
    public let headers: [(String, String)]

    /// - Parameters:
    ///   - upstreamModel: the provider's model name (for Azure, the deployment name).
    /// - Parameters:
    ///   - version: the `anthropic-version` the body is written for (nil: the provider's configured one).
    ///   - betas: `anthropic-beta` values to send (Anthropic upstreams only; already checked against the allow-list).
    ///   - stream: whether the answer is streamed (Bedrock and Google name a different method for it).
    ///   Bedrock's signature and Vertex's access token are added by `ProviderClient`, which holds their sources.
    public init(
        configuration: ProviderConfiguration, operation: Operation, upstreamModel: String, credential: String?,
        version: String? = nil, betas: [String] = [], stream: Bool = false
    ) {
        let path: String = switch operation {
        case .chatCompletions: "/chat/completions"
        case .responses: "/responses"
        case .embeddings: "/embeddings"
        case .modelsList: "/models"
        case .messages: "/messages"
        case .messagesCountTokens: "/messages/count_tokens"
        case .toolsList, .toolsCall, .resourcesList, .resourcesRead, .promptsList, .promptsGet:
            // MCP calls go to MCP servers (`MCPUpstream`); the pipeline routes only inference calls here.
            preconditionFailure("an MCP operation has no model provider endpoint")
        }
        // `identity`: the gateway must read every answer to inspect it; compressed answers are refused.
        var headers: [(String, String)] = [
            ("content-type", "application/json"), ("accept", "application/json, text/event-stream"),
            ("accept-encoding", "identity"),
        ]
        switch configuration.kind {
        case .azure:
            let deployment = upstreamModel.addingPercentEncodingForPath()
            let version = (configuration.apiVersion ?? "").addingPercentEncodingForPath()
            url = "\(configuration.baseURL)/openai/deployments/\(deployment)\(path)?api-version=\(version)"
            if let credential { headers.append(("api-key", credential)) }
        case .openai, .vllm, .ollama:
            url = configuration.baseURL + path
            if let credential { headers.append(("authorization", "Bearer \(credential)")) }
        case .anthropic:
            url = configuration.baseURL + path
            headers.append(("anthropic-version", version ?? configuration.anthropicVersion))
            if !betas.isEmpty { headers.append(("anthropic-beta", betas.joined(separator: ","))) }
            if let credential {
                switch configuration.authentication {
                case .apiKey: headers.append(("x-api-key", credential))
                case .bearer: headers.append(("authorization", "Bearer \(credential)"))
                }
            }
        case .bedrock:
            // Bedrock Runtime: the model id is one path segment (`:` in `...-v1:0` percent-encoded, as the AWS SDKs do).
            url = "\(configuration.baseURL)/model/\(upstreamModel.addingPercentEncodingForPath())/\(stream ? "converse-stream" : "converse")"
            headers = [("content-type", "application/json"), ("accept", stream ? "application/vnd.amazon.eventstream" : "application/json"),
                       ("accept-encoding", "identity")]
        case .gemini, .vertex:
            let method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent"
            let model = upstreamModel.addingPercentEncodingForPath()
            if configuration.kind == .gemini {
                url = "\(configuration.baseURL)/models/\(model)\(method)"
                if let credential { headers.append(("x-goog-api-key", credential)) }
            } else {
                let project = (configuration.vertex?.project ?? "").addingPercentEncodingForPath()
                let location = (configuration.vertex?.location ?? "").addingPercentEncodingForPath()
                url = "\(configuration.baseURL)/projects/\(project)/locations/\(location)/publishers/google/models/\(model)\(method)"
            }
        }
        self.headers = headers
    }
}

extension String {
    /// Percent-encodes everything but RFC 3986 unreserved characters, for one path segment or query value.
    func addingPercentEncodingForPath() -> String { PercentEncoding.encode(self) }
}
