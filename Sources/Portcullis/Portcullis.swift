import ArgumentParser
import NIOCore
import NIOPosix

/// `portcullis`: the Zero Trust gateway for AI traffic and its operating tools.
@main
struct Portcullis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Zero Trust gateway for AI traffic: identity, policy, guardrails, limits and audit on every LLM call.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, ConfigCommand.self, ScanCommand.self, PolicyCommand.self,
            AuditCommand.self, TokenCommand.self, DPoPProofCommand.self, DevelopmentIssuerCommand.self, MockUpstreamCommand.self, APIsCommand.self, MCPCommand.self,
        ])

    static func main() async {
        // Swift concurrency's global executor becomes NIO's event loops (one thread per core) before any
        // task starts: handlers, the pipeline and the HTTP client then run on the threads that own the
        // sockets instead of hopping to a second thread pool for every read and write.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
