import MCP
import Support

/// The one prompt of the mock MCP server: `summarise`, with a required argument `text`.
enum MCPPromptCatalogue {
    static let definitions: [JSONValue] = [
        [
            "name": "summarise", "title": "Summarise",
            "description": "Asks for a one-sentence summary of a text.",
            "arguments": [["name": "text", "description": "The text to summarise.", "required": true]],
        ]
    ]

    /// The `prompts/get` result; an unknown prompt or a missing or non-string `text` is `-32602`.
    static func get(_ name: String, arguments: [String: JSONValue]) throws(JSONRPCFailure) -> JSONValue {
        guard name == "summarise" else { throw JSONRPCFailure(.invalidParams, "Unknown prompt: \(name)") }
        guard let text = arguments["text"]?.stringValue else {
            throw JSONRPCFailure(.invalidParams, "The prompt summarise needs the argument text (a string)")
        }
        if let extra = arguments.keys.filter({ $0 != "text" }).sorted().first {
            throw JSONRPCFailure(.invalidParams, "The prompt summarise takes no argument named \(extra)")
        }
        return [
            "description": "A one-sentence summary of the given text.",
            "messages": [
                [
                    "role": "user",
                    "content": ["type": "text", "text": .string("Summarise the following text in one sentence:\n\n\(text)")],
                ]
            ],
        ]
    }
}
