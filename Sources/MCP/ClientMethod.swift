import Core

/// Every JSON-RPC method a client may send through the gateway, and what the gateway does with it. A method
/// not listed here is refused (-32601): nothing the gateway does not know reaches an MCP server.
public enum ClientMethod: String, Sendable, CaseIterable {
    case initialize
    case ping
    case serverDiscover = "server/discover"
    case loggingSetLevel = "logging/setLevel"
    case toolsList = "tools/list"
    case toolsCall = "tools/call"
    case resourcesList = "resources/list"
    case resourcesTemplatesList = "resources/templates/list"
    case resourcesRead = "resources/read"
    case promptsList = "prompts/list"
    case promptsGet = "prompts/get"

    public enum Handling: Sendable, Equatable {
        /// Protocol housekeeping: relayed for an authenticated caller with the server's scopes.
        case lifecycle
        /// Decided by policy as this Cedar action.
        case governed(Operation)
    }

    public var handling: Handling {
        switch self {
        case .initialize, .ping, .serverDiscover, .loggingSetLevel: .lifecycle
        case .toolsList: .governed(.toolsList)
        case .toolsCall: .governed(.toolsCall)
        case .resourcesList, .resourcesTemplatesList: .governed(.resourcesList)
        case .resourcesRead: .governed(.resourcesRead)
        case .promptsList: .governed(.promptsList)
        case .promptsGet: .governed(.promptsGet)
        }
    }

    /// The members `params` may have. Others are refused (-32602). `_meta` is inspected text.
    public var parameters: Set<String> {
        switch self {
        case .initialize: ["protocolVersion", "capabilities", "clientInfo", "_meta"]
        case .ping, .serverDiscover: ["_meta"]
        case .loggingSetLevel: ["level", "_meta"]
        case .toolsList, .resourcesList, .resourcesTemplatesList, .promptsList: ["cursor", "_meta"]
        // `inputResponses` and `requestState`: the stateless revision's retry after an `input_required` result
        // (the client's answers to the server's embedded requests, and the server's opaque state, echoed).
        case .toolsCall, .promptsGet: ["name", "arguments", "_meta", "inputResponses", "requestState"]
        case .resourcesRead: ["uri", "_meta", "inputResponses", "requestState"]
        }
    }

    /// The `params` member naming what the call acts on (`Mcp-Name` in the stateless revision).
    public var nameParameter: String? {
        switch self {
        case .toolsCall, .promptsGet: "name"
        case .resourcesRead: "uri"
        case .initialize, .ping, .serverDiscover, .loggingSetLevel, .toolsList, .resourcesList, .resourcesTemplatesList, .promptsList: nil
        }
    }

    /// Checks `params` against the declaration: the known members only, a string name where one is needed,
    /// an object of arguments.
    public func check(_ params: JSONValue?) throws(JSONRPCFailure) {
        let members = params?.objectValue ?? [:]
        if let unknown = members.keys.sorted().first(where: { !parameters.contains($0) }) {
            throw JSONRPCFailure(.invalidParams, "Unknown parameter '\(unknown)' for \(rawValue).")
        }
        if let key = nameParameter {
            guard let name = members[key]?.stringValue, !name.isEmpty else {
                throw JSONRPCFailure(.invalidParams, "\(rawValue) needs '\(key)' as a non-empty string.")
            }
        }
        if let arguments = members["arguments"], arguments.objectValue == nil {
            throw JSONRPCFailure(.invalidParams, "'arguments' must be an object.")
        }
        if let responses = members["inputResponses"], responses.objectValue == nil {
            throw JSONRPCFailure(.invalidParams, "'inputResponses' must be an object.")
        }
        if let state = members["requestState"], state.stringValue == nil {
            throw JSONRPCFailure(.invalidParams, "'requestState' must be a string.")
        }
    }
}

/// The notifications a client may send; any other is refused.
public enum ClientNotification: String, Sendable, CaseIterable {
    case initialized = "notifications/initialized"
    case cancelled = "notifications/cancelled"
    case progress = "notifications/progress"
    case rootsListChanged = "notifications/roots/list_changed"
}

/// What an MCP server may send toward the client, besides the answer to the client's request.
public enum ServerMessage: String, Sendable, CaseIterable {
    // Notifications
    case message = "notifications/message"
    case progress = "notifications/progress"
    case cancelled = "notifications/cancelled"
    case toolsListChanged = "notifications/tools/list_changed"
    case resourcesListChanged = "notifications/resources/list_changed"
    case resourcesUpdated = "notifications/resources/updated"
    case promptsListChanged = "notifications/prompts/list_changed"
    // Requests to the client
    case ping
    case rootsList = "roots/list"
    case samplingCreateMessage = "sampling/createMessage"
    case elicitationCreate = "elicitation/create"

    /// A request the client must answer (its answer comes back through the gateway).
    public var isRequest: Bool {
        switch self {
        case .ping, .rootsList, .samplingCreateMessage, .elicitationCreate: true
        case .message, .progress, .cancelled, .toolsListChanged, .resourcesListChanged, .resourcesUpdated, .promptsListChanged: false
        }
    }
}
