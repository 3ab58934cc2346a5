import ArgumentParser
import Foundation
import Identity

/// `portcullis dev-issuer`: creates (or reuses) a development issuer's keys in a data directory — as the demo
/// does — and prints its JWKS, so gateways started with `serve` (e.g. the replicas of `scripts/cluster`) can
/// trust it through `jwks_file`, and `portcullis token --data-dir` signs tokens they accept. Development only.
struct DevelopmentIssuerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-issuer",
        abstract: "Create a development token issuer in a data directory and print its JWKS (for `serve` configs).")

    @Option(name: .customLong("data-dir"), help: "Where the issuer's keys are kept (as `portcullis demo --data-dir`).")
    var dataDirectory: String

    @Option(help: "The issuer URL written into tokens.")
    var issuer: String

    @Option(help: "The audience of the tokens.")
    var audience: String = DevelopmentIssuer.defaultAudience

    func run() async throws {
        let created = try await DevelopmentIssuer.create(issuer: issuer, audience: audience, dataDirectory: dataDirectory)
        print(created.jwksJSON())
    }
}
