import MCP
import Support

/// The one resource of the mock MCP server: a welcome note, `notes://welcome`, in plain text.
enum MCPResourceCatalogue {
    static let welcomeURI = "notes://welcome"

    static let welcomeText = """
        Welcome to the Portcullis demo MCP server.
        Its tools are get_time, word_count, delete_note and lookup_order; its prompt is summarise.
        """

    /// The `resources/list` entries.
    static let definitions: [JSONValue] = [
        [
            "uri": .string(welcomeURI), "name": "welcome", "title": "Welcome note",
            "description": "A short note about this server.", "mimeType": "text/plain",
        ]
    ]

    /// The `resources/read` result for `uri`; an unknown uri is `-32602`.
    static func read(_ uri: String) throws(JSONRPCFailure) -> JSONValue {
        guard uri == welcomeURI else { throw JSONRPCFailure(.invalidParams, "Resource not found: \(uri)") }
        return ["contents": [["uri": .string(welcomeURI), "mimeType": "text/plain", "text": .string(welcomeText)]]]
    }
}
