import MCP

/// Which of the MCP methods (the MCP target's `ClientMethod`) the mock MCP server answers. A method not
/// named by `ClientMethod` is unknown (`-32601`); so is one the mock does not answer in the request's revision.
extension ClientMethod {
    /// Whether the mock answers the method in `revision`: 2026-07-28 removed the lifecycle (`initialize`,
    /// `ping`) and added `server/discover`; `logging/setLevel` and `resources/templates/list` are not offered.
    func mockAnswers(in revision: ProtocolRevision) -> Bool {
        switch self {
        case .initialize, .ping: !revision.isStateless
        case .serverDiscover: revision.isStateless
        case .toolsList, .toolsCall, .resourcesList, .resourcesRead, .promptsList, .promptsGet: true
        case .loggingSetLevel, .resourcesTemplatesList: false
        }
    }

    /// Whether the mock's stateless result carries the caching hints `ttlMs` and `cacheScope`.
    var mockResultIsCacheable: Bool {
        switch self {
        case .serverDiscover, .toolsList, .resourcesList, .resourcesRead, .promptsList: true
        case .initialize, .ping, .toolsCall, .promptsGet, .loggingSetLevel, .resourcesTemplatesList: false
        }
    }
}
