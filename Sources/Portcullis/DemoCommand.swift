import ArgumentParser
import Crypto
import Foundation
import Gateway
import Identity
import Logging
import MockUpstream

/// `portcullis demo`: gateway + mock upstream + development identity provider on loopback, with a
/// built-in configuration; prints the base URL, a development token and ready-to-paste snippets.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the gateway with a mock LLM and a development identity provider on loopback.")

    @Option(name: .long, help: "Gateway port.")
    var port: Int = 8080

    @Option(name: .customLong("upstream-port"), help: "Mock upstream port (0 = any free port).")
    var upstreamPort: Int = 0

    @Option(name: .customLong("data-dir"), help: "Where the demo keeps its configuration, keys and audit database.")
    var dataDir: String = "portcullis-data"

    func run() async throws {
        let data = URL(fileURLWithPath: dataDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: data + "/policies", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try DemoConfiguration.policies.write(toFile: data + "/policies/demo.cedar", atomically: true, encoding: .utf8)
        let userKey = data + "/upstream-user-id.key"
        if !FileManager.default.fileExists(atPath: userKey) {
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
            _ = FileManager.default.createFile(atPath: userKey, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        }
        LogSetup.bootstrap(level: "notice", format: "text")
        let logger = Logger(label: "portcullis.demo")

        // The fake provider, in-process; its key is the gateway's, never the caller's.
        let upstreamKey = "demo-upstream-" + UUID().uuidString.lowercased()
        setenv("PORTCULLIS_DEMO_UPSTREAM_KEY", upstreamKey, 1)
        // The fake Bedrock's AWS keys (it verifies every SigV4 signature the gateway makes with them).
        let awsKeyID = "AKIADEMO" + String(UUID().uuidString.filter(\.isHexDigit).prefix(12)).uppercased()
        let awsSecret = "demo-" + UUID().uuidString.lowercased()
        setenv("PORTCULLIS_DEMO_AWS_KEY_ID", awsKeyID, 1)
        setenv("PORTCULLIS_DEMO_AWS_SECRET", awsSecret, 1)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let mock = makeMockUpstreamApplication(
            configuration: MockUpstreamConfiguration(
                port: upstreamPort, apiKey: upstreamKey, aws: .init(accessKeyID: awsKeyID, secretAccessKey: awsSecret),
                mcp: .init(token: upstreamKey))) { port in
            portContinuation.yield(port)
        }
        let mockTask = Task { try await mock.runService() }
        var iterator = portStream.makeAsyncIterator()
        guard let mockPort = await iterator.next() else { throw ExitCode(1) }

        let configPath = data + "/portcullis.demo.yaml"
        try DemoConfiguration.yaml(port: port, upstreamPort: mockPort, dataDirectory: data).write(toFile: configPath, atomically: true, encoding: .utf8)
        let configuration = try ConfigCommand.loadOrExit(configPath)
        let issuerURL = "http://127.0.0.1:\(port)/dev-idp"
        let issuer = try await DevelopmentIssuer.create(issuer: issuerURL, dataDirectory: data)
        let runtime = try await GatewayRuntime(configuration: configuration, identity: .development(issuer), baseDirectory: data, logger: logger)
        let token = try issuer.issueToken(subject: "alice", name: "Alice Example", email: "alice@example.com", groups: ["everyone"])
        // MCP tokens are bound to the server's resource URI (RFC 8707): a token for the LLM APIs does not open it.
        let mcpToken = try issuer.issueToken(
            subject: "alice", name: "Alice Example", email: "alice@example.com", groups: ["everyone"], scopes: ["mcp"],
            audience: "http://127.0.0.1:\(port)/mcp/demo")

        try await GatewayProcess.run(runtime, extraRoutes: { router in
            DevelopmentIssuerRoutes(issuer: issuer).register(on: router)
        }, onListening: { port in
            FileHandle.standardOutput.write(Data(Self.banner(port: port, token: token, mcpToken: mcpToken, mockPort: mockPort, dataDirectory: data, configPath: configPath).utf8))
        }, logger: logger)
        mockTask.cancel()
    }

    static func banner(port: Int, token: String, mcpToken: String, mockPort: Int, dataDirectory: String, configPath: String) -> String {
        let base = "http://127.0.0.1:\(port)"
        return """

        Portcullis demo is running.
          base URL:     \(base)
          config:       \(configPath)
          audit:        \(dataDirectory)/audit.sqlite  (verify: portcullis audit verify --db \(dataDirectory)/audit.sqlite)
          dev IdP:      \(base)/dev-idp/.well-known/openid-configuration

        Development token for alice (valid 1 hour):
        PORTCULLIS_TOKEN=\(token)

        Try it:
          curl -s \(base)/v1/chat/completions \\
            -H "Authorization: Bearer $PORTCULLIS_TOKEN" -H 'Content-Type: application/json' \\
            -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello, my email is alice@example.com"}]}'

          python3 -c 'from openai import OpenAI; c = OpenAI(base_url="\(base)/v1", api_key="'$PORTCULLIS_TOKEN'"); print(c.chat.completions.create(model="gpt-4o-mini", messages=[{"role":"user","content":"Hello"}]).choices[0].message.content)'

        Anthropic clients (the anthropic SDK, Claude Code) use the same token:
          export ANTHROPIC_BASE_URL=\(base) ANTHROPIC_AUTH_TOKEN=$PORTCULLIS_TOKEN
          python3 -c 'import anthropic; c = anthropic.Anthropic(); print(c.messages.create(model="claude-sonnet-5", max_tokens=200, messages=[{"role":"user","content":"Hello"}]).content[0].text)'
          claude --model claude-sonnet-5     # Claude Code, through the gateway
          (gpt-4o-mini answers Anthropic callers too, and claude-sonnet-5 OpenAI callers: the gateway translates.)

        Cloud providers (mock-served, with the real wire formats and credentials): bedrock-claude is AWS Bedrock
        Converse, SigV4-signed; gemini-flash is the Gemini API, failing over to Bedrock. Either API reaches both.

        MCP (tools for agents): \(base)/mcp/demo   (metadata: \(base)/.well-known/oauth-protected-resource/mcp/demo)
        A token for it (audience: that URL):
        PORTCULLIS_MCP_TOKEN=\(mcpToken)
          Any Streamable HTTP MCP client with "Authorization: Bearer $PORTCULLIS_MCP_TOKEN", or curl:
          curl -s \(base)/mcp/demo -H "Authorization: Bearer $PORTCULLIS_MCP_TOKEN" -H 'Content-Type: application/json' \\
            -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list' \\
            -d '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
          Tools: get_time, word_count, lookup_order (its answer's card number is redacted), delete_note (destructive:
          refused by policy). Change lookup_order's definition (a rug pull) with
          curl -X POST http://127.0.0.1:\(mockPort)/mock/mcp/change-definition — it is then hidden and refused.

        Services acting for users, and tokens a thief cannot use (docs/identity.md):
          T="portcullis token --data-dir \(dataDirectory)"
          # the rag-api service calls with its own token and carries alice's (issued to the rag-web app):
          curl -s \(base)/v1/chat/completions -H "Authorization: Bearer $($T --service --user rag-api)" \\
            -H "x-portcullis-user-token: $($T --user alice --client rag-web)" -H 'Content-Type: application/json' \\
            -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise our refund policy"}]}'
          # a DPoP-bound token (RFC 9449): useless without the key that signs each request's proof:
          DPOP_TOKEN=$($T --user alice --dpop-key alice-dpop.pem)
          curl -s \(base)/v1/chat/completions -H "Authorization: DPoP $DPOP_TOKEN" \\
            -H "DPoP: $(portcullis dpop-proof --key alice-dpop.pem --url \(base)/v1/chat/completions --token $DPOP_TOKEN)" \\
            -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'
          (A token with an RFC 8693 actor: $T --user alice --actor rag-api. The audit record keeps the chain.)

        More tokens: portcullis token --data-dir \(dataDirectory) --user bob --group engineers [--audience \(base)/mcp/demo --scope mcp]
        Stop with Ctrl-C.

        """
    }
}
