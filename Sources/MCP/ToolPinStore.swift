import Foundation

/// A tool definition an administrator approved (or that was trusted on first use).
public struct ToolPin: Sendable, Hashable, Codable {
    public var server: String
    public var tool: String
    public var hash: String
    /// The definition as approved (canonical JSON), so a reviewer can compare it with a changed one.
    public var definition: String
    /// Who approved it: a name given to `portcullis mcp approve`, or `first_use`.
    public var approvedBy: String
    public var approvedAt: Date

    public init(server: String, tool: String, hash: String, definition: String, approvedBy: String, approvedAt: Date) {
        self.server = server
        self.tool = tool
        self.hash = hash
        self.definition = definition
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
    }
}

/// A definition the gateway saw and hid because no approved pin matches it.
public struct PendingDefinition: Sendable, Hashable, Codable {
    public var server: String
    public var tool: String
    public var hash: String
    public var definition: String
    public var firstSeen: Date
    public var lastSeen: Date

    public init(server: String, tool: String, hash: String, definition: String, firstSeen: Date, lastSeen: Date) {
        self.server = server
        self.tool = tool
        self.hash = hash
        self.definition = definition
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// Where pins and pending definitions are kept: shared by the gateway (reads pins, records what it hid) and
/// the `portcullis mcp` commands (list, approve, revoke). SQLite by default (`SQLiteToolPinStore`). Every
/// operation may suspend and throw (a shared store is across a network); a caller that cannot read pins
/// fails closed.
public protocol ToolPinStore: Sendable {
    func pin(server: String, tool: String) async throws -> ToolPin?
    /// Approves `hash` for the tool (replacing an older pin) and clears the tool's pending definitions.
    func approve(_ pin: ToolPin) async throws
    /// Trusts a first sighting: stores the pin unless one exists. Returns the pin in force.
    func pinIfAbsent(_ pin: ToolPin) async throws -> ToolPin
    func revoke(server: String, tool: String) async throws -> Bool
    func recordPending(_ definition: PendingDefinition) async throws
    func pins() async throws -> [ToolPin]
    func pending() async throws -> [PendingDefinition]
}
