import Core

/// Declarations both OpenAI APIs (chat completions and Responses) share.
enum OpenAIFields {
    static let cacheBreakpoint = FieldShape.object(ObjectShape([
        "mode": .parameter(.oneOf(["explicit"])),
        "ttl": .parameter(.oneOf(["30m", "12h"])),
    ], required: ["mode"]))

    /// The provider's own moderation pass: a model name and modes, no text.
    static let moderation = FieldShape.object(ObjectShape([
        "model": .parameter(.model),
        "policy": .object(ObjectShape([
            "input": .object(ObjectShape(["mode": .parameter(.oneOf(["score", "block"]))], required: ["mode"])),
            "output": .object(ObjectShape(["mode": .parameter(.oneOf(["score", "block"]))], required: ["mode"])),
        ])),
    ], required: ["model"]))

    /// `metadata`: caller-chosen keys and values the provider stores with the call.
    static let metadata = FieldShape.map(keys: .name(.system), values: .text(.prose(.system)))

    static let promptCacheRetention = FieldShape.parameter(.oneOf(["in_memory", "24h"]))
    static let reasoningEffort = FieldShape.parameter(.oneOf(["none", "minimal", "low", "medium", "high", "xhigh", "max"]))
    static let verbosity = FieldShape.parameter(.oneOf(["low", "medium", "high"]))
    static let temperature = FieldShape.parameter(.number(0...2))
    static let topP = FieldShape.parameter(.number(0...1))
    static let penalty = FieldShape.parameter(.number(-2...2))
    static let topLogprobs = FieldShape.parameter(.integer(0...20))

    /// `user` and `safety_identifier`: whatever the caller sends is replaced by the gateway's pseudonymous id
    /// of the principal (`ProviderForwarder`), so the value itself never reaches the provider.
    static let replacedEndUserID = FieldShape.parameter(.opaque("replaced by the gateway's pseudonymous id of the principal"))

    /// A JSON schema the model reads (tool parameters, structured output): every name and string is text.
    static let schema = FieldShape.freeform(.prose(.system))

    /// Roles of both APIs' messages.
    static let roles: [String: AIMessage.Role] = [
        "system": .system, "developer": .developer, "user": .user, "assistant": .assistant, "tool": .tool, "function": .tool,
    ]

    static let imageDetail = FieldShape.parameter(.oneOf(["auto", "low", "high", "original"]))

    static let fileContent = "file content cannot be inspected by the gateway's data guardrails and is not forwarded; send the content as text."
    static let spokenAnswers = "spoken answers cannot be inspected by the gateway's data guardrails and are not served; ask for text."
    static let audioContent = "audio cannot be inspected by the gateway's data guardrails and is not forwarded; send a transcript as text."
}
