import ArgumentParser
import Core
import Foundation
import MockUpstream
import Providers

/// `portcullis mock-upstream`: the fake OpenAI/Anthropic-compatible LLM (see docs/mock-upstream.md).
struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-upstream",
        abstract: "Run the fake OpenAI/Anthropic-compatible LLM used by the demo, tests and benchmarks.",
        discussion: """
            Replies are deterministic ("Echo: <prompt>", "#say TEXT", "#tool NAME {json}", \
            "#say-then-tool TEXT|NAME {json}", "#lorem N"; Anthropic thinking, "#redacted"); \
            errors, slow first bytes and cut streams are injected by x-mock-* headers or model names \
            (mock-error-500, mock-slow, mock-cut). Recorded requests: GET /mock/requests. An MCP server \
            (Streamable HTTP, revisions 2025-06-18, 2025-11-25, 2026-07-28) answers at /mcp. See docs/mock-upstream.md.
            """
    )

    @Option(help: "Port to listen on (0 picks a free one; the chosen port is printed).")
    var port: Int = 8090

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("latency-ms"), help: "Milliseconds added before every response.")
    var latencyMs: Int = 0

    @Option(name: .customLong("chunk-size"), help: "Unicode scalars (characters) per streamed delta.")
    var chunkSize: Int = 4

    @Option(name: .customLong("chunk-delay-ms"), help: "Milliseconds between streamed deltas.")
    var chunkDelayMs: Int = 0

    @Option(name: .customLong("api-key"), help: "Require this key, given as a reference: env:NAME or file:/path.")
    var apiKey: String?

    @Option(name: .customLong("record-limit"), help: "How many received requests GET /mock/requests keeps.")
    var recordLimit: Int = 200

    @Option(name: .customLong("aws-access-key-id"), help: "Access key id the Bedrock routes accept (default AKIDEXAMPLE).")
    var awsAccessKeyID: String?

    @Option(name: .customLong("aws-secret-access-key"), help: "Its secret, as a reference: env:NAME or file:/path.")
    var awsSecretAccessKey: String?

    @Option(name: .customLong("sts-web-identity-token"), help: "Web identity token POST /sts requires (reference); default: any.")
    var stsWebIdentityToken: String?

    @Option(name: .customLong("sts-duration-seconds"), help: "Lifetime of credentials POST /sts issues without DurationSeconds.")
    var stsDurationSeconds: Int = 3600

    @Option(name: .customLong("google-api-key"), help: "Key the Gemini routes require in x-goog-api-key (env:NAME or file:/path); default: --api-key.")
    var googleAPIKey: String?

    @Option(name: .customLong("google-service-account"), help: "Service-account JSON file whose signed assertions POST /token accepts (Vertex AI).")
    var googleServiceAccount: String?

    @Option(name: .customLong("google-token-lifetime"), help: "expires_in, in seconds, of the access tokens POST /token issues.")
    var googleTokenLifetime: Int = 3600

    @Option(name: .customLong("mcp-token"), help: "Require this Bearer token on /mcp, given as a reference: env:NAME or file:/path.")
    var mcpToken: String?

    @Flag(name: .customLong("mcp-changed-definition"), help: "Start with lookup_order's changed (rug-pull) definition on /mcp.")
    var mcpChangedDefinition = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard latencyMs >= 0, chunkDelayMs >= 0 else { throw ValidationError("delays must not be negative") }
        guard chunkSize >= 1 else { throw ValidationError("--chunk-size must be at least 1") }
        guard recordLimit >= 0 else { throw ValidationError("--record-limit must not be negative") }
        guard googleTokenLifetime >= 1 else { throw ValidationError("--google-token-lifetime must be at least 1") }
    }

    func run() async throws {
        var key: String?
        if let apiKey {
            do {
                key = try SecretReference(apiKey).resolve()
            } catch let failure as SecretReference.Failure {
                throw ValidationError("--api-key: \(failure.description)")
            }
        }
        var googleKey: String?
        if let googleAPIKey {
            do {
                googleKey = try SecretReference(googleAPIKey).resolve()
            } catch let failure as SecretReference.Failure {
                throw ValidationError("--google-api-key: \(failure.description)")
            }
        }
        var account: ServiceAccountKey?
        if let googleServiceAccount {
            guard let json = try? String(contentsOfFile: googleServiceAccount, encoding: .utf8) else {
                throw ValidationError("--google-service-account: cannot read \(googleServiceAccount)")
            }
            do {
                account = try ServiceAccountKey(json: json)
            } catch {
                throw ValidationError("--google-service-account \(googleServiceAccount): \(error.description)")
            }
        }
        var configuration = MockUpstreamConfiguration(
            host: host, port: port, latencyMs: latencyMs, chunkSize: chunkSize, chunkDelayMs: chunkDelayMs,
            apiKey: key, recordLimit: recordLimit, googleAPIKey: googleKey, googleServiceAccount: account,
            googleTokenLifetimeSeconds: googleTokenLifetime)
        if let awsAccessKeyID { configuration.aws.accessKeyID = awsAccessKeyID }
        configuration.aws.defaultDurationSeconds = max(1, stsDurationSeconds)
        configuration.mcp.changedDefinition = mcpChangedDefinition
        for (option, reference, apply) in [
            ("--aws-secret-access-key", awsSecretAccessKey, { (c: inout MockUpstreamConfiguration, v: String) in c.aws.secretAccessKey = v }),
            ("--sts-web-identity-token", stsWebIdentityToken, { (c: inout MockUpstreamConfiguration, v: String) in c.aws.expectedWebIdentityToken = v }),
            ("--mcp-token", mcpToken, { (c: inout MockUpstreamConfiguration, v: String) in c.mcp.token = v }),
        ] {
            guard let reference else { continue }
            do {
                apply(&configuration, try SecretReference(reference).resolve())
            } catch let failure as SecretReference.Failure {
                throw ValidationError("\(option): \(failure.description)")
            }
        }
        let host = self.host
        try await runMockUpstream(configuration: configuration) { port in
            // Unbuffered, so a script waiting for this line sees it at once even when stdout is a pipe.
            FileHandle.standardOutput.write(Data("mock upstream listening on http://\(host):\(port)\n".utf8))
        }
    }
}
