import Core
import Foundation

/// How a tool without an approved pin is treated.
public enum PinningMode: String, Sendable, Codable, CaseIterable {
    /// Hidden and refused until an administrator approves its definition (`portcullis mcp approve`).
    case approval
    /// Trusted on first sight (its definition is pinned then); any later change needs approval.
    case firstUse = "first_use"
}

/// Whether a listed or called tool's definition is the one in force.
public enum PinVerdict: Sendable, Equatable {
    case pinned
    /// Differs from the approved definition: a rug pull until re-approved.
    case changed(pinned: String)
    /// Never approved (pinning mode `approval`).
    case unapproved
}

/// The pins of one server: those in configuration (authoritative: a change means editing the file) and
/// those approved in the store. Every definition that fails is recorded as pending, for review.
public struct ToolPins: Sendable {
    public let server: String
    public let mode: PinningMode
    public let configured: [String: String]
    public let store: any ToolPinStore

    public init(server: String, mode: PinningMode, configured: [String: String], store: any ToolPinStore) {
        self.server = server
        self.mode = mode
        self.configured = configured
        self.store = store
    }

    /// - Throws: when the store cannot be read or written (the caller fails closed).
    public func verdict(for tool: ToolDefinition, now: Date = Date()) async throws -> PinVerdict {
        if let hash = configured[tool.name] {
            if hash == tool.hash { return .pinned }
            try await recordPending(tool, now: now)
            return .changed(pinned: hash)
        }
        if let pin = try await store.pin(server: server, tool: tool.name) {
            if pin.hash == tool.hash { return .pinned }
            try await recordPending(tool, now: now)
            return .changed(pinned: pin.hash)
        }
        switch mode {
        case .firstUse:
            let candidate = ToolPin(
                server: server, tool: tool.name, hash: tool.hash, definition: String(decoding: tool.definition.serialized(), as: UTF8.self),
                approvedBy: "first_use", approvedAt: now)
            let inForce = try await store.pinIfAbsent(candidate)
            if inForce.hash == tool.hash { return .pinned }
            try await recordPending(tool, now: now)
            return .changed(pinned: inForce.hash)
        case .approval:
            try await recordPending(tool, now: now)
            return .unapproved
        }
    }

    private func recordPending(_ tool: ToolDefinition, now: Date) async throws {
        try await store.recordPending(PendingDefinition(
            server: server, tool: tool.name, hash: tool.hash, definition: String(decoding: tool.definition.serialized(), as: UTF8.self),
            firstSeen: now, lastSeen: now))
    }
}
