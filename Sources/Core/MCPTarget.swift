/// What an MCP call acts on, for the policy step: the server itself (the list methods), or one tool,
/// resource or prompt of it. A tool's definition hash and annotations are the pinned ones: the server
/// declared them (untrusted), the gateway holds them fixed (see `MCP.ToolPins`).
public struct MCPTarget: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case server, tool, resource, prompt
    }

    /// Declared tool behaviour (MCP `ToolAnnotations`). Untrusted hints, but pinned with the definition.
    public struct Annotations: Sendable, Hashable {
        public var readOnly: Bool
        public var destructive: Bool
        public var idempotent: Bool
        public var openWorld: Bool

        /// MCP's defaults for absent hints: not read-only, destructive, not idempotent, open world.
        public init(readOnly: Bool = false, destructive: Bool = true, idempotent: Bool = false, openWorld: Bool = true) {
            self.readOnly = readOnly
            self.destructive = destructive
            self.idempotent = idempotent
            self.openWorld = openWorld
        }
    }

    public var kind: Kind
    /// The configured server name (`/mcp/<server>`).
    public var server: String
    /// Tool or prompt name, or resource URI; empty for the server.
    public var name: String
    /// SHA-256 (hex) of the tool's canonical definition, for tools.
    public var definitionHash: String?
    public var annotations: Annotations?
    /// The call's arguments (tools/call, prompts/get), given to policies as `context.arguments`; nil when
    /// listing (a tool is listed when calling it could be permitted at all).
    public var arguments: JSONValue?

    public init(
        kind: Kind, server: String, name: String = "", definitionHash: String? = nil, annotations: Annotations? = nil,
        arguments: JSONValue? = nil
    ) {
        self.kind = kind
        self.server = server
        self.name = name
        self.definitionHash = definitionHash
        self.annotations = annotations
        self.arguments = arguments
    }
}
