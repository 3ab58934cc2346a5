import ArgumentParser
import Foundation
import Gateway
import Logging

/// `portcullis serve --config FILE`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway with a configuration file.")

    @Option(name: .long, help: "Configuration file (portcullis.yaml).")
    var config: String

    func run() async throws {
        let configuration = try ConfigCommand.loadOrExit(config)
        LogSetup.bootstrap(level: configuration.observability.logLevel, format: configuration.observability.logFormat)
        let logger = Logger(label: "portcullis")
        let base = URL(fileURLWithPath: config).deletingLastPathComponent().path
        let runtime: GatewayRuntime
        do {
            runtime = try await GatewayRuntime(configuration: configuration, baseDirectory: base, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("portcullis: cannot start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await GatewayProcess.run(runtime, onListening: { port in
            logger.notice("listening", metadata: ["address": .string("\(configuration.server.host):\(port)")])
        }, logger: logger)
    }
}
