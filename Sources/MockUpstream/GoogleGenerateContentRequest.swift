import Core

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fields of a Gemini / Vertex AI `generateContent` body the mock reads: `contents` (role `user` or
/// `model`; parts `text`, `inlineData`, `functionCall`, `functionResponse`), `systemInstruction`,
/// `tools[].functionDeclarations`, `toolConfig.functionCallingConfig` and `generationConfig`
/// (`maxOutputTokens`, `stopSequences`). Other fields (`safetySettings`, `temperature`...) are accepted and
/// ignored, as by the other endpoints.
struct GoogleGenerateContentRequest: Decodable, Sendable {
    struct Part: Decodable, Sendable {
        struct FunctionResponse: Decodable, Sendable {
            var name: String?
            var response: JSONValue?
        }
        var text: String?
        var functionResponse: FunctionResponse?
    }

    struct Content: Decodable, Sendable {
        var role: String?
        var parts: [Part]?

        var text: String { (parts ?? []).compactMap(\.text).joined(separator: "\n") }
    }

    struct Tool: Decodable, Sendable {
        struct Declaration: Decodable, Sendable { var name: String }
        var functionDeclarations: [Declaration]?
    }

    struct ToolConfig: Decodable, Sendable {
        struct FunctionCalling: Decodable, Sendable {
            var mode: String?
            var allowedFunctionNames: [String]?
        }
        var functionCallingConfig: FunctionCalling?
    }

    struct GenerationConfig: Decodable, Sendable {
        var maxOutputTokens: Int?
        var stopSequences: [String]?
    }

    var contents: [Content]
    var systemInstruction: Content?
    var tools: [Tool]?
    var toolConfig: ToolConfig?
    var generationConfig: GenerationConfig?

    /// What the reply rules need. The last `user` content with text is the prompt; a final content made of
    /// `functionResponse` parts is the tool result (a lone string field such as `{"result":"..."}` is its
    /// text, else the response as JSON). Gemini answers text and a call in one content, so
    /// `#say-then-tool` keeps its text.
    var conversation: Conversation {
        var c = Conversation()
        c.answersTextWithToolCall = true
        if let system = systemInstruction { c.addPromptText(system.text) }
        for content in contents {
            c.addPromptText(content.text)
            for part in content.parts ?? [] { if let r = part.functionResponse { c.addPromptText(Self.text(of: r)) } }
        }
        c.lastUserText = contents.last { ($0.role ?? "user") == "user" && !$0.text.isEmpty }?.text ?? ""
        if let last = contents.last {
            let results = (last.parts ?? []).compactMap(\.functionResponse)
            if !results.isEmpty { c.trailingToolResult = results.map(Self.text(of:)).joined(separator: "\n") }
        }
        c.offeredTools = (tools ?? []).flatMap { ($0.functionDeclarations ?? []).map(\.name) }
        let calling = toolConfig?.functionCallingConfig
        switch calling?.mode?.uppercased() {
        case "NONE": c.toolChoice = .none
        case "ANY":
            let allowed = calling?.allowedFunctionNames ?? []
            c.toolChoice = allowed.count == 1 ? .named(allowed[0]) : .required
        default: c.toolChoice = .auto
        }
        c.maxTokens = generationConfig?.maxOutputTokens
        c.stopSequences = generationConfig?.stopSequences ?? []
        return c
    }

    private static func text(of result: Part.FunctionResponse) -> String {
        guard let response = result.response else { return "" }
        if case .object(let fields) = response, fields.count == 1, let only = fields.values.first?.stringValue {
            return only
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(response)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
