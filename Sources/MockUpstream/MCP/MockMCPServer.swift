import Hummingbird
import MCP
import Support
import Synchronization

/// # The mock MCP server
///
/// A small built-in MCP server at `/mcp` of the mock upstream, so the demo and the tests have an MCP
/// upstream without Python. It speaks Streamable HTTP with JSON answers (never an event stream) in the
/// revisions of the MCP target's `ProtocolRevision`: the handshake era (`MCPHandshakeExchange`) and the
/// stateless 2026-07-28 (`MCPStatelessExchange`). Its content: the tools of `MCPToolCatalogue`, the
/// resource of `MCPResourceCatalogue` and the prompt of `MCPPromptCatalogue`. Routes: `MCPRoutes`; the full
/// reference is the MCP section of `docs/mock-upstream.md`.
///
/// The protocol mechanisms are the MCP target's, the ones the gateway uses: envelope parsing
/// (`JSONRPCMessage`), errors (`JSONRPCFailure`), revisions (`ProtocolRevision`), method names
/// (`ClientMethod`) and the stateless header checks (`StatelessEnvelope`). This server adds only what it
/// answers, which methods it answers in each era, the status of an error in each era and its routing.
///
/// This file holds the server's state and the answer to each method, the same in both eras apart from the
/// fields the stateless revision adds to every result.
final class MockMCPServer: Sendable {
    let settings: MockUpstreamConfiguration.MCPSettings
    /// The mock's request log: every `/mcp` request is recorded with its headers.
    let log: RequestLog
    let maxBodyBytes: Int
    let sessions = MCPSessions()
    private let changed: Atomic<Bool>

    init(settings: MockUpstreamConfiguration.MCPSettings, log: RequestLog, maxBodyBytes: Int) {
        self.settings = settings
        self.log = log
        self.maxBodyBytes = maxBodyBytes
        self.changed = Atomic(settings.changedDefinition)
    }

    /// Whether `lookup_order` is listed with its changed definition.
    var changedDefinition: Bool {
        get { changed.load(ordering: .relaxed) }
        set { changed.store(newValue, ordering: .relaxed) }
    }

    static let serverInfo: JSONValue = [
        "name": "portcullis-mock-mcp", "title": "Portcullis mock MCP server", "version": "1.0.0",
    ]

    /// No list-changed notifications and no subscriptions: the mock has no server-initiated stream.
    static let capabilities: JSONValue = [
        "tools": ["listChanged": false],
        "resources": ["subscribe": false, "listChanged": false],
        "prompts": ["listChanged": false],
    ]

    static let instructions =
        "A deterministic demo server. Tools: get_time, word_count, delete_note, lookup_order. Resource: notes://welcome. Prompt: summarise."

    /// The answer to `message`, request `id` of `method`, in `revision`: its result, or its JSON-RPC error at
    /// the era's status — `-32601` for a method the mock does not answer in that revision.
    func respond(to message: JSONRPCMessage, id: JSONValue, method name: String, revision: ProtocolRevision) -> Response {
        do throws(JSONRPCFailure) {
            guard let method = ClientMethod(rawValue: name), method.mockAnswers(in: revision) else {
                throw .unknownMethod(name)
            }
            let result = try answer(method, params: message.params?.objectValue ?? [:], revision: revision)
            return MCPAnswer.result(result, id: id)
        } catch {
            return MCPAnswer.error(error, id: id, stateless: revision.isStateless)
        }
    }

    /// The result of `method` with `params` in `revision`, a method the mock answers in that revision. For
    /// `initialize`, `revision` is the negotiated one. A stateless result also carries `resultType`, the
    /// server's identity in `_meta` and, for cacheable methods, `ttlMs` (0: the tool list can change) and
    /// `cacheScope` (`private`: the server may sit behind a token).
    func answer(
        _ method: ClientMethod, params: [String: JSONValue], revision: ProtocolRevision
    ) throws(JSONRPCFailure) -> JSONValue {
        var result: JSONValue
        switch method {
        case .initialize:
            result = [
                "protocolVersion": .string(revision.rawValue), "capabilities": Self.capabilities,
                "serverInfo": Self.serverInfo, "instructions": .string(Self.instructions),
            ]
        case .ping:
            result = [:]
        case .serverDiscover:
            result = [
                "supportedVersions": .array(ProtocolRevision.allCases.map { .string($0.rawValue) }),
                "capabilities": Self.capabilities, "instructions": .string(Self.instructions),
            ]
        case .toolsList:
            try Self.refuseCursor(params)
            result = ["tools": .array(MCPToolCatalogue.definitions(changedDefinition: changedDefinition))]
        case .toolsCall:
            let name = try Self.string("name", in: params)
            result = try MCPToolCatalogue.call(name, arguments: try Self.object("arguments", in: params))
        case .resourcesList:
            try Self.refuseCursor(params)
            result = ["resources": .array(MCPResourceCatalogue.definitions)]
        case .resourcesRead:
            result = try MCPResourceCatalogue.read(try Self.string("uri", in: params))
        case .promptsList:
            try Self.refuseCursor(params)
            result = ["prompts": .array(MCPPromptCatalogue.definitions)]
        case .promptsGet:
            let name = try Self.string("name", in: params)
            result = try MCPPromptCatalogue.get(name, arguments: try Self.object("arguments", in: params))
        case .loggingSetLevel, .resourcesTemplatesList:
            throw .unknownMethod(method.rawValue)
        }
        if revision.isStateless {
            result["resultType"] = "complete"
            result["_meta"] = ["io.modelcontextprotocol/serverInfo": Self.serverInfo]
            if method.mockResultIsCacheable {
                result["ttlMs"] = 0
                result["cacheScope"] = "private"
            }
        }
        return result
    }

    private static func string(_ key: String, in params: [String: JSONValue]) throws(JSONRPCFailure) -> String {
        guard let value = params[key]?.stringValue else { throw JSONRPCFailure(.invalidParams, "params.\(key) must be a string") }
        return value
    }

    /// An optional object parameter (`{}` when absent).
    private static func object(_ key: String, in params: [String: JSONValue]) throws(JSONRPCFailure) -> [String: JSONValue] {
        switch params[key] {
        case nil, .null?: return [:]
        case .object(let object)?: return object
        case .bool?, .number?, .integer?, .string?, .array?:
            throw JSONRPCFailure(.invalidParams, "params.\(key) must be an object")
        }
    }

    /// Every list fits one page, so no cursor is ever handed out and any cursor sent is invalid.
    private static func refuseCursor(_ params: [String: JSONValue]) throws(JSONRPCFailure) {
        switch params["cursor"] {
        case nil, .null?: return
        case .bool?, .number?, .integer?, .string?, .array?, .object?: throw JSONRPCFailure(.invalidParams, "Invalid cursor")
        }
    }
}
