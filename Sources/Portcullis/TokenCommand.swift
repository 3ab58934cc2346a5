import ArgumentParser
import Foundation
import Identity

/// `portcullis token`: prints a development access token signed by the running demo's development issuer.
///
///     portcullis token --user alice --group eng --group ml
///     portcullis token --service --user batch-job --role batch
///     portcullis token --user alice --actor rag-api            # rag-api acts for alice (RFC 8693 act)
///     portcullis token --user alice --client rag-web           # a user token issued to the client rag-web (azp)
///     portcullis token --user alice --bind-certificate cert.pem  # bound to a client certificate (cnf.x5t#S256)
///     portcullis token --user alice --dpop-key alice.pem         # bound to a DPoP key (cnf.jkt); see dpop-proof
///
/// The demo keeps its keys and issuer URL in `<data-dir>/dev-idp/`; this command reads them, so the token
/// verifies against the demo's JWKS. Development only: production tokens come from the company IdP.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a development access token for the running `portcullis demo`.")

    @Option(name: .customLong("data-dir"), help: "The demo's data directory (default: $PORTCULLIS_DEMO_DIR or ./portcullis-data, as `portcullis demo`).")
    var dataDirectory: String?

    @Option(name: [.customLong("user"), .customLong("subject")], help: "Subject (user name or service id).")
    var subject: String = "alice"

    @Option(name: .customLong("group"), help: "A group (repeat, or comma-separated).")
    var groups: [String] = []

    @Option(name: .customLong("role"), help: "A role (repeat, or comma-separated).")
    var roles: [String] = []

    @Option(name: .customLong("scope"), help: "A scope (repeat). Default: llm.")
    var scopes: [String] = []

    @Option(help: "Display name.")
    var name: String?

    @Option(help: "E-mail address.")
    var email: String?

    @Flag(help: "Issue a service (client-credentials style) token instead of a user token.")
    var service = false

    @Option(help: "Audience (default: the gateway's). For an MCP server: its resource URI, <base URL>/mcp/<server>.")
    var audience: String?

    @Option(name: .customLong("ttl"), help: "Lifetime in seconds.")
    var ttlSeconds: Int = 3600

    @Option(name: .customLong("alg"), help: "ES256 or RS256.")
    var algorithm: String = "ES256"

    @Option(name: .customLong("actor"), help: "An actor acting for the subject (repeat; nearest first): an RFC 8693 act claim.")
    var actors: [String] = []

    @Option(help: "The client application the token is issued to (azp): it acts for the user.")
    var client: String?

    @Option(name: .customLong("may-act"), help: "The party allowed to act for the subject (may_act.sub).")
    var mayAct: String?

    @Option(name: .customLong("dpop-key"), help: "A PEM ES256 key (created when missing) the token is bound to (cnf.jkt, RFC 9449).")
    var dpopKey: String?

    @Option(name: .customLong("bind-certificate"), help: "A PEM client certificate the token is bound to (cnf.x5t#S256, RFC 8705).")
    var certificate: String?

    func run() async throws {
        let directory = dataDirectory ?? ProcessInfo.processInfo.environment["PORTCULLIS_DEMO_DIR"] ?? "portcullis-data"
        func split(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        }
        var delegation = DevelopmentIssuer.Delegation(actors: split(actors), client: client, mayAct: mayAct)
        if dpopKey != nil && certificate != nil { throw ValidationError("bind the token to a DPoP key or a certificate, not both") }
        if let dpopKey { delegation.dpopThumbprint = try DevelopmentDPoPKey.load(path: dpopKey).jkt }
        if let certificate {
            delegation.certificateThumbprint = try DevelopmentToken.certificateThumbprint(pemFile: certificate)
        }
        let code = await DevelopmentToken.run(
            dataDirectory: directory, subject: subject, name: name, email: email, groups: split(groups),
            roles: split(roles), scopes: scopes.isEmpty ? ["llm"] : split(scopes), service: service,
            ttlSeconds: ttlSeconds, algorithm: algorithm, audience: audience, delegation: delegation,
            output: { print($0) },
            errorOutput: { FileHandle.standardError.write(Data(("portcullis token: " + $0 + "\n").utf8)) })
        if code != 0 { throw ExitCode(code) }
    }
}
