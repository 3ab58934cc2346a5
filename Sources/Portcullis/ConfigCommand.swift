import ArgumentParser
import Foundation
import Gateway

/// `portcullis config check FILE`: validate a configuration without starting anything.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Validate a configuration file; errors name file, line, key and what was expected.")

        @Argument(help: "Configuration file (portcullis.yaml).")
        var file: String

        func run() async throws {
            let config = try ConfigCommand.loadOrExit(file)
            print("\(file): OK (\(config.providers.count) providers, \(config.models.count) models, \(config.identity.issuers.count) issuers, \(config.policy.files.count) policy files)")
        }
    }

    /// Loads a configuration or prints the error (file:line:col: key: message) and exits 2.
    static func loadOrExit(_ path: String) throws -> GatewayConfiguration {
        do {
            return try GatewayConfiguration.load(path: path)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
