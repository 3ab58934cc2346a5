import Hummingbird
import Logging

/// # Mock upstream: a fake OpenAI- and Anthropic-compatible LLM
///
/// Used by the demo, the end-to-end tests and the latency benchmarks (where it is the baseline), so it
/// answers from pre-built byte fragments and does no per-request heavy work. The full reference with
/// examples is `docs/mock-upstream.md`.
///
/// **Routes**: `POST /v1/chat/completions`, `POST /v1/responses`, `POST /v1/embeddings`,
/// `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/messages` and `POST /v1/messages/count_tokens`
/// (Anthropic; both need the `anthropic-version` header, else 400),
/// `POST /openai/deployments/{deployment}/chat/completions?api-version=...` and `.../embeddings` (Azure;
/// `api-version` required, the deployment is the model), `GET /healthz`, and the test controls
/// `GET /mock/requests` (recorded requests), `DELETE /mock/requests` (clear) and `DELETE /mock/cache`
/// (forget the Anthropic prompt-cache prefixes). Bedrock Runtime: `POST /model/{modelId}/converse` and
/// `.../converse-stream` (SigV4-verified, see `BedrockConverseEndpoint`), `POST /sts` (`MockSTS`).
/// Google: Gemini API `POST /v1beta/models/{model}:generateContent` / `:streamGenerateContent?alt=sse`
/// (`x-goog-api-key`), Vertex AI `.../publishers/google/models/{model}:...` (Bearer token from the mock's own
/// `POST /token` JWT bearer grant) — see `GoogleGenerateContentEndpoint.swift` and `GoogleTokenEndpoint.swift`.
/// MCP: `POST/DELETE/GET /mcp`, a small MCP server (Streamable HTTP, revisions 2025-06-18, 2025-11-25 and
/// 2026-07-28; token `mcp.token`) with the test controls `POST`/`DELETE /mock/mcp/change-definition` — see
/// `MCP/MockMCPServer.swift`.
///
/// **Key**: with `apiKey` set, API routes need `Authorization: Bearer KEY`, `api-key: KEY` or
/// `x-api-key: KEY` (Azure routes: `api-key` only); otherwise 401 in the provider's error shape.
///
/// **Replies** are derived from the last user message (see `ScriptedReply`): `Echo: <prompt>`;
/// `#say TEXT` → exactly TEXT; `#lorem N` → N words; `#tool NAME {json}` → a tool call when NAME is
/// offered; `#say-then-tool TEXT|NAME {json}` → TEXT then that call (Anthropic; other APIs: the call);
/// a forced `tool_choice` → a call of that tool; a trailing tool result → `Tool result: <text>`.
/// Anthropic extras: a thinking block when `thinking` is on (`#redacted` → `redacted_thinking`),
/// `stop_sequences`, and prompt-caching usage for `cache_control` marks (`AnthropicThinking`,
/// `AnthropicPromptCache`).
/// Text is streamed in pieces of `chunkSize` Unicode scalars; `max_tokens` caps the pieces;
/// `completion_tokens` = pieces, `prompt_tokens` = prompt scalars / 4.
///
/// **Per-request knobs** (header, or model-name option, or model preset):
/// - `x-mock-chunk-size: N` / `+chunk=N`; `x-mock-chunk-delay-ms: MS` / `+delay=MS`
/// - `x-mock-latency-ms: MS` / `+latency=MS` (overrides `latencyMs`)
/// - `x-mock-status: NNN` / `+status=NNN` / model `mock-error-NNN`: error body with that status
///   (`x-mock-retry-after: S` adds `retry-after`)
/// - `x-mock-first-byte-delay-ms: MS` / `+slow=MS` / model `mock-slow` (10 s) or `mock-slow-MS`
/// - `x-mock-cut-after: N` / `+cut=N` / model `mock-cut` (2) or `mock-cut-N`: the connection is closed
///   after N deltas, without the stream's end (non-streamed: after N × chunkSize body bytes)
/// `x-request-id` is echoed (or generated) on every response.
public func makeMockUpstreamApplication(
    configuration: MockUpstreamConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var logger = Logger(label: "portcullis.mock-upstream")
    logger.logLevel = .warning
    return Application(
        router: MockRoutes.router(MockLLM(configuration: configuration)),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "portcullis-mock"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// Runs the mock upstream until SIGINT or SIGTERM, then shuts down gracefully.
public func runMockUpstream(
    configuration: MockUpstreamConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    try await makeMockUpstreamApplication(configuration: configuration, onServerRunning: onServerRunning)
        .runService()
}
