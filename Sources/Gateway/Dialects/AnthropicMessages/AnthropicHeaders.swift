import Core

/// The request headers of the Messages API that change what a request means: `anthropic-version` (which
/// version of the API the caller speaks) and `anthropic-beta` (features it opts into). A version the gateway
/// does not speak, or a beta not on the allow-list, is refused with a 400 naming it: a beta can switch on
/// fields or provider-run tools the declarations were not written for. The version and the allowed betas go
/// upstream to Anthropic providers with the body they describe (a translated call gets the provider's
/// configured version).
struct AnthropicHeaders {
    /// API versions whose request and answer shapes the declarations follow: the Messages API's original
    /// version, and the one the installed `anthropic` SDK sends (checked by test_dialect_declarations.py).
    static let versions: Set<String> = ["2023-06-01", "2026-10-21"]

    /// Betas that change no field the gateway declares and open no channel it cannot see: Claude Code's own
    /// marker, thinking between tool calls, streaming of tool input, larger outputs and context, cache TTLs.
    static let defaultBetas: [String] = [
        "claude-code-20250219", "interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14",
        "token-efficient-tools-2025-02-19", "output-128k-2025-02-19", "context-1m-2025-08-07",
        "prompt-caching-2024-07-31", "extended-cache-ttl-2025-04-11",
    ]

    let allowedBetas: Set<String>

    init(allowedBetas: [String]? = nil) {
        self.allowedBetas = Set(allowedBetas ?? Self.defaultBetas)
    }

    /// The version and the betas to forward, once the headers are checked.
    func check(version: String?, beta: String?) throws(GatewayError) -> (version: String, betas: [String]) {
        guard let version else {
            throw .invalidRequest(message: "The anthropic-version header is required (this gateway speaks \(Self.versions.sorted().joined(separator: ", "))).", param: "anthropic-version")
        }
        let given = version.trimmingSpaces()
        guard Self.versions.contains(given) else {
            throw .invalidRequest(
                message: "anthropic-version '\(ErrorResponse.printable(version))' is not served; this gateway speaks \(Self.versions.sorted().joined(separator: ", ")).",
                param: "anthropic-version")
        }
        var betas: [String] = []
        for item in (beta ?? "").split(separator: ",") {
            let name = item.trimmingSpaces()
            guard !name.isEmpty else { continue }
            guard allowedBetas.contains(name) else {
                throw .invalidRequest(
                    message: "anthropic-beta '\(ErrorResponse.printable(name))' is not on the gateway's allow-list (apis.messages.anthropic_beta).",
                    param: "anthropic-beta")
            }
            if !betas.contains(name) { betas.append(name) }
        }
        return (given, betas)
    }
}
