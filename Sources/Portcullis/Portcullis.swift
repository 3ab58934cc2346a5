import ArgumentParser

/// `portcullis`: the Zero Trust gateway for AI traffic and its operating tools.
@main
struct Portcullis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Zero Trust gateway for AI traffic: identity, policy, guardrails, limits and audit on every LLM call.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, ConfigCommand.self, ScanCommand.self, PolicyCommand.self,
            AuditCommand.self, TokenCommand.self, MockUpstreamCommand.self,
        ])
}
