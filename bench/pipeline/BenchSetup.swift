import Core
import Foundation
import Gateway
import Identity
import MockUpstream

/// A gateway runtime for one `bench/gateway/<profile>.yaml`, with the mock upstream and a development
/// issuer (ES256) in process, and a token for the benchmark's caller.
struct BenchSetup: Sendable {
    let runtime: GatewayRuntime
    let token: String
    let mock: Task<Void, any Error>
    let work: String

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func start(profile: String) async throws -> BenchSetup {
        let work = NSTemporaryDirectory() + "portcullis-pipeline-bench-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let upstreamKey = "bench-upstream-\(UUID().uuidString)"
        setenv("BENCH_UPSTREAM_KEY", upstreamKey, 1)
        setenv("BENCH_AUDIT_KEY", Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(), 1)

        let (ports, portReady) = AsyncStream<Int>.makeStream()
        let app = makeMockUpstreamApplication(configuration: MockUpstreamConfiguration(port: 0, apiKey: upstreamKey)) {
            portReady.yield($0)
        }
        let mock = Task { try await app.runService() }
        var next = ports.makeAsyncIterator()
        guard let mockPort = await next.next() else { throw BenchFailure("mock upstream did not start") }

        // The profile's issuer, played by a development issuer with the same name and audience.
        let issuer = try await DevelopmentIssuer.create(issuer: "https://idp.bench.test", dataDirectory: work)
        try issuer.jwksJSON().write(toFile: work + "/jwks.json", atomically: true, encoding: .utf8)
        let token = try issuer.issueToken(subject: "bench-user", groups: ["staff", "backend"], ttl: 86_400)

        let template = try String(contentsOfFile: repository + "/bench/gateway/\(profile).yaml", encoding: .utf8)
        let values = [
            "port": "0", "mock_port": String(mockPort), "work": work, "here": repository + "/bench/gateway",
            "repo": repository, "stream_model": "mock-gpt+chunk=8",
        ]
        var text = template
        for (key, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: "$" + key, with: value)
        }
        let path = work + "/portcullis.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(path: path)
        let runtime = try await GatewayRuntime(configuration: configuration, baseDirectory: work)
        return BenchSetup(runtime: runtime, token: token, mock: mock, work: work)
    }

    func call(body: [UInt8] = BenchBody.chat) -> IncomingCall {
        IncomingCall(
            operation: .chatCompletions, body: .bytes(body), credentials: Credentials(authorization: "Bearer " + token),
            context: RequestContext(requestID: UUID().uuidString, clientIP: "127.0.0.1", route: "/v1/chat/completions"),
            purpose: "summarise", classification: "public")
    }

    func stop() async {
        await runtime.shutdown()
        mock.cancel()
        try? FileManager.default.removeItem(atPath: work)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
