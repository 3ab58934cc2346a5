import ArgumentParser
import Database
import Foundation
import Gateway
import MCP

/// `portcullis mcp pins|approve|revoke`: the review workflow of MCP tool definitions. The gateway hides a
/// tool whose definition has no approved pin (or differs from it) and records the definition it saw as
/// pending; an administrator reviews it here and approves exactly that definition, by its hash.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "MCP tool pins: list, approve, revoke.", subcommands: [Pins.self, Approve.self, Revoke.self])

    struct Options: ParsableArguments {
        @Option(help: "Configuration file (portcullis.yaml); its mcp.pins_path is used, or the shared database when its database.stores has mcp_pins.")
        var config: String = "portcullis.yaml"

        func store() async throws -> (any ToolPinStore, GatewayConfiguration) {
            let configuration = try ConfigCommand.loadOrExit(config)
            if let db = configuration.database, db.stores.contains(.mcpPins) {
                let database = try SharedDatabase(configuration: db, replica: "mcp-cli")
                database.start()
                return (try await PostgresToolPinStore(database: database), configuration)
            }
            let base = (config as NSString).deletingLastPathComponent
            let path = configuration.mcp.pinsPath.hasPrefix("/") ? configuration.mcp.pinsPath : (base.isEmpty ? "." : base) + "/" + configuration.mcp.pinsPath
            return (try SQLiteToolPinStore(path: path), configuration)
        }
    }

    struct Pins: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pins", abstract: "List approved pins and pending definitions, one JSON object per line.")
        @OptionGroup var options: Options
        @Option(help: "Only this server.") var server: String?
        @Flag(help: "Only definitions awaiting approval.") var pending = false

        func run() async throws {
            let (store, configuration) = try await options.store()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            func line(_ object: [String: String]) throws {
                print(String(decoding: try encoder.encode(object), as: UTF8.self))
            }
            let formatter = ISO8601DateFormatter()
            if !pending {
                for (name, server) in configuration.mcp.servers.sorted(by: { $0.key < $1.key }) where self.server == nil || self.server == name {
                    for (tool, hash) in server.pins.sorted(by: { $0.key < $1.key }) {
                        try line(["state": "pinned", "source": "configuration", "server": name, "tool": tool, "hash": hash])
                    }
                }
                for pin in try await store.pins() where server == nil || server == pin.server {
                    try line([
                        "state": "pinned", "source": "store", "server": pin.server, "tool": pin.tool, "hash": pin.hash,
                        "approved_by": pin.approvedBy, "approved_at": formatter.string(from: pin.approvedAt), "definition": pin.definition,
                    ])
                }
            }
            for p in try await store.pending() where server == nil || server == p.server {
                try line([
                    "state": "pending", "server": p.server, "tool": p.tool, "hash": p.hash, "definition": p.definition,
                    "first_seen": formatter.string(from: p.firstSeen), "last_seen": formatter.string(from: p.lastSeen),
                ])
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Approve a pending tool definition, named by its hash (see `mcp pins --pending`).")
        @OptionGroup var options: Options
        @Option(help: "Server name.") var server: String
        @Option(help: "Tool name.") var tool: String
        @Option(help: "SHA-256 of the definition to approve, as listed.") var hash: String
        @Option(help: "Who approves (recorded with the pin); default: $USER.") var by: String?

        func run() async throws {
            let (store, configuration) = try await options.store()
            guard configuration.mcp.servers[server] != nil else {
                FileHandle.standardError.write(Data("no MCP server '\(server)' in \(options.config)\n".utf8))
                throw ExitCode(2)
            }
            if configuration.mcp.servers[server]?.pins[tool] != nil {
                FileHandle.standardError.write(Data("'\(tool)' is pinned in the configuration file: change the pin there\n".utf8))
                throw ExitCode(2)
            }
            guard let pending = try await store.pending().first(where: { $0.server == server && $0.tool == tool && $0.hash == hash }) else {
                FileHandle.standardError.write(Data("no pending definition of \(server)/\(tool) with hash \(hash)\n".utf8))
                throw ExitCode(1)
            }
            let approver = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            try await store.approve(ToolPin(
                server: server, tool: tool, hash: hash, definition: pending.definition, approvedBy: approver, approvedAt: Date()))
            print("approved \(server)/\(tool) \(hash) by \(approver)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Remove a tool's approved pin: it is hidden until approved again.")
        @OptionGroup var options: Options
        @Option(help: "Server name.") var server: String
        @Option(help: "Tool name.") var tool: String

        func run() async throws {
            let (store, _) = try await options.store()
            guard try await store.revoke(server: server, tool: tool) else {
                FileHandle.standardError.write(Data("no approved pin of \(server)/\(tool)\n".utf8))
                throw ExitCode(1)
            }
            print("revoked \(server)/\(tool)")
        }
    }
}
