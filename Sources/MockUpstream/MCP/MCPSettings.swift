extension MockUpstreamConfiguration {
    /// Settings of the mock's MCP server at `/mcp` (see `MockMCPServer`).
    public struct MCPSettings: Sendable, Equatable {
        /// When set, every `/mcp` request needs `Authorization: Bearer TOKEN`, else 401. The resolved value,
        /// not a reference: the CLI resolves `--mcp-token env:NAME` before building the configuration.
        public var token: String?
        /// Whether `lookup_order` starts with its changed definition (the "rug pull"); test controls
        /// switch it later (`POST` / `DELETE /mock/mcp/change-definition`).
        public var changedDefinition: Bool

        public init(token: String? = nil, changedDefinition: Bool = false) {
            self.token = token
            self.changedDefinition = changedDefinition
        }
    }
}
