import Core

/// One `GenerateContentResponse` (a whole answer, or one piece of a stream) read member by member.
///
/// The first candidate is the answer (the request asks for one); others are dropped (`candidates[1...]`).
/// Its text parts are read, `thought` parts and every other part kind dropped and named, `functionCall`
/// parts read as calls. Known but unmapped members are dropped and named (`safetyRatings`,
/// `citationMetadata`, `avgLogprobs`, `groundingMetadata`, `createTime`, ...), and so is any unknown one.
struct GeminiResponse {
    struct FunctionCall: Equatable {
        var id: String?
        var name: String
        var args: JSONValue
    }

    var responseID: String?
    var modelVersion: String?
    var texts: [String] = []
    var calls: [FunctionCall] = []
    var finishReason: String?
    var hasCandidate = false
    /// `promptFeedback.blockReason`: the prompt was blocked before any candidate.
    var blockReason: String?
    var usage: TokenUsage?
    /// The `error` object of an error sent inside a stream.
    var error: JSONValue?

    static let candidateMembers: Set<String> = ["content", "finishReason", "index"]
    static let droppedCandidateMembers: Set<String> = [
        "safetyRatings", "citationMetadata", "avgLogprobs", "logprobsResult", "groundingMetadata", "groundingAttributions",
        "urlContextMetadata", "finishMessage", "tokenCount",
    ]
    static let usageMembers: Set<String> = [
        "promptTokenCount", "candidatesTokenCount", "totalTokenCount", "cachedContentTokenCount", "thoughtsTokenCount",
        "toolUsePromptTokenCount", "promptTokensDetails", "candidatesTokensDetails", "cacheTokensDetails", "toolUsePromptTokensDetails",
    ]

    static func read(_ value: JSONValue, dropped: inout [String]) throws(UntranslatableAnswer) -> GeminiResponse {
        guard case .object(let fields) = value else { throw UntranslatableAnswer(reason: "the answer is not a JSON object") }
        var response = GeminiResponse()
        for key in fields.keys.sorted() {
            let member = fields[key]!
            if member == .null { continue }
            switch key {
            case "candidates":
                let candidates = member.arrayValue ?? []
                if candidates.count > 1 { ChatToAnthropic.note("candidates[1...]", &dropped) }
                if let first = candidates.first { try response.candidate(first, &dropped) }
            case "promptFeedback":
                response.blockReason = member["blockReason"]?.stringValue
                for feedback in (member.objectValue ?? [:]).keys.sorted() where feedback != "blockReason" {
                    ChatToAnthropic.note("promptFeedback.\(feedback)", &dropped)
                }
            case "usageMetadata":
                response.usage = ChatToGemini.usage(value)
                for counter in (member.objectValue ?? [:]).keys.sorted() where !usageMembers.contains(counter) {
                    ChatToAnthropic.note("usageMetadata.\(counter)", &dropped)
                }
            case "responseId":
                response.responseID = member.stringValue
            case "modelVersion":
                response.modelVersion = member.stringValue
            case "error":
                response.error = member
            default:
                ChatToAnthropic.note(key, &dropped)
            }
        }
        return response
    }

    private mutating func candidate(_ candidate: JSONValue, _ dropped: inout [String]) throws(UntranslatableAnswer) {
        guard case .object(let members) = candidate else { throw UntranslatableAnswer(reason: "candidates[0] is not an object") }
        hasCandidate = true
        for key in members.keys.sorted() where !Self.candidateMembers.contains(key) && members[key] != .null {
            ChatToAnthropic.note("candidates[].\(key)", &dropped)
        }
        finishReason = members["finishReason"]?.stringValue
        let content = members["content"] ?? .null
        for key in (content.objectValue ?? [:]).keys.sorted() where key != "role" && key != "parts" {
            ChatToAnthropic.note("candidates[].content.\(key)", &dropped)
        }
        for (i, part) in (content["parts"]?.arrayValue ?? []).enumerated() {
            try self.part(part, "candidates[0].content.parts[\(i)]", &dropped)
        }
    }

    private mutating func part(_ part: JSONValue, _ place: String, _ dropped: inout [String]) throws(UntranslatableAnswer) {
        guard case .object(let members) = part else { throw UntranslatableAnswer(reason: "\(place) is not an object") }
        if members["thought"] == .bool(true) {
            ChatToAnthropic.note("candidates[].content.parts[].thought", &dropped)
            return
        }
        for key in members.keys.sorted() {
            let value = members[key]!
            switch key {
            case "text":
                guard let text = value.stringValue else { throw UntranslatableAnswer(reason: "\(place).text is not a string") }
                texts.append(text)
            case "functionCall":
                guard let name = value["name"]?.stringValue else { throw UntranslatableAnswer(reason: "\(place).functionCall has no name") }
                let args = value["args"] ?? .object([:])
                guard case .object = args else { throw UntranslatableAnswer(reason: "\(place).functionCall args is not an object") }
                for member in (value.objectValue ?? [:]).keys.sorted() where !["id", "name", "args"].contains(member) {
                    ChatToAnthropic.note("candidates[].content.parts[].functionCall.\(member)", &dropped)
                }
                calls.append(FunctionCall(id: value["id"]?.stringValue, name: name, args: args))
            case "thought":
                continue  // false: an ordinary part
            default:
                ChatToAnthropic.note("candidates[].content.parts[].\(key)", &dropped)
            }
        }
    }

    /// Gemini `finishReason` as a chat `finish_reason`; a call makes a normal stop `tool_calls`; one not
    /// known here is "stop", and named.
    static func finishReason(_ reason: String?, hasCalls: Bool, _ dropped: inout [String]) -> JSONValue {
        switch reason {
        case "STOP"?: return hasCalls ? "tool_calls" : "stop"
        case "MAX_TOKENS"?: return "length"
        case "SAFETY"?, "RECITATION"?, "BLOCKLIST"?, "PROHIBITED_CONTENT"?, "SPII"?, "IMAGE_SAFETY"?, "IMAGE_PROHIBITED_CONTENT"?:
            return "content_filter"
        case nil: return hasCalls ? "tool_calls" : .null
        case let other?:
            ChatToAnthropic.note("finishReason.\(other)", &dropped)
            return hasCalls ? "tool_calls" : "stop"
        }
    }
}
