import Core
import Foundation
import Synchronization
import Testing

@testable import Providers

/// A fake STS: counts calls, records the tokens it was sent, answers from a script; and a clock the
/// test moves by hand.
final class FakeSTS: Sendable {
    struct State {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        var calls = 0
        var tokens: [String] = []
        var failing: (status: Int, body: String)?
        var unreachable = false
        var lifetime: TimeInterval = 3600
    }

    let state = Mutex(State())
    /// Lets a test hold a call in flight until it opens the gate.
    let gate = AsyncStream<Void>.makeStream()
    let gated: Bool

    init(gated: Bool = false) { self.gated = gated }

    var now: Date { state.withLock { $0.now } }
    func advance(_ seconds: TimeInterval) { state.withLock { $0.now += seconds } }
    var calls: Int { state.withLock { $0.calls } }

    func answer(_ request: WebIdentityCredentials.STSRequest) async throws -> (status: Int, body: [UInt8]) {
        if gated { for await _ in gate.stream { break } }
        let form = Dictionary(uniqueKeysWithValues: request.formBody.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1)
            return (String(kv[0]), String(kv.count > 1 ? kv[1] : "").removingPercentEncoding ?? "")
        })
        let (n, failing, unreachable, expiry) = state.withLock { s in
            s.calls += 1
            s.tokens.append(form["WebIdentityToken"] ?? "")
            return (s.calls, s.failing, s.unreachable, s.now.addingTimeInterval(s.lifetime))
        }
        if unreachable { throw CancellationError() }
        if let failing { return (failing.status, Array(failing.body.utf8)) }
        let stamp = ISO8601DateFormatter().string(from: expiry)
        let xml = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <Credentials>
                  <SessionToken>token-\(n)&amp;x</SessionToken>
                  <SecretAccessKey>secret-\(n)</SecretAccessKey>
                  <Expiration>\(stamp)</Expiration>
                  <AccessKeyId>ASIA\(n)</AccessKeyId>
                </Credentials>
              </AssumeRoleWithWebIdentityResult>
            </AssumeRoleWithWebIdentityResponse>
            """
        return (200, Array(xml.utf8))
    }

    func source(tokenFile: String, margin: Duration = .seconds(300)) throws -> WebIdentityCredentials {
        WebIdentityCredentials(
            provider: "bedrock", region: "us-east-1", roleARN: "arn:aws:iam::123456789012:role/gw",
            webIdentityToken: try SecretReference("file:" + tokenFile), refreshMargin: margin,
            now: { [self] in now }, transport: { [self] in try await answer($0) })
    }
}

@Suite struct AWSCredentialsTests {
    static func tokenFile(_ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wit-\(UUID().uuidString)").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let stsError = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
        <Code>InvalidIdentityToken</Code><Message>Token eyJhbGciOi.secret is not valid &amp; expired</Message></Error>
        <RequestId>r-1</RequestId></ErrorResponse>
        """

    @Test func staticCredentialsResolveOnce() async throws {
        let source = try StaticAWSCredentials(
            accessKeyID: SecretReference("env:AK"), secretAccessKey: SecretReference("env:SK"),
            sessionToken: SecretReference("env:ST"), environment: ["AK": "AKID", "SK": "s3cr3t", "ST": "tok"])
        #expect(try await source.credentials() == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "tok"))
        #expect(throws: SecretReference.Failure.missingEnvironment("SK")) {
            try StaticAWSCredentials(
                accessKeyID: SecretReference("env:AK"), secretAccessKey: SecretReference("env:SK"), environment: ["AK": "x"])
        }
    }

    @Test func fetchesThenCachesThenRefreshesBeforeExpiry() async throws {
        let sts = FakeSTS()
        let source = try sts.source(tokenFile: Self.tokenFile("jwt-1"))
        let first = try await source.credentials()
        #expect(first.accessKeyID == "ASIA1" && first.secretAccessKey == "secret-1" && first.sessionToken == "token-1&x")
        #expect(first.expiration == sts.now.addingTimeInterval(3600))
        sts.advance(3600 - 301)
        #expect(try await source.credentials() == first)
        #expect(sts.calls == 1)
        sts.advance(2)  // 299 s left: inside the 5-minute margin
        #expect(try await source.credentials().accessKeyID == "ASIA2")
        #expect(sts.calls == 2)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let sts = FakeSTS(gated: true)
        let source = try sts.source(tokenFile: Self.tokenFile("jwt"))
        let results = try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await source.credentials() } }
            try await Task.sleep(for: .milliseconds(100))
            sts.gate.continuation.yield()
            sts.gate.continuation.finish()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 20)
        #expect(Set(results.map(\.accessKeyID)) == ["ASIA1"])
        #expect(sts.calls == 1)
    }

    @Test func failedRefreshKeepsValidCredentialsThenExpiredFailsClosed() async throws {
        let sts = FakeSTS()
        let source = try sts.source(tokenFile: Self.tokenFile("jwt"))
        let first = try await source.credentials()
        sts.state.withLock { $0.unreachable = true }
        sts.advance(3600 - 60)  // in the margin: refresh is tried, fails, old credentials still valid
        #expect(try await source.credentials() == first)
        #expect(sts.calls == 2)
        #expect(try await source.credentials() == first)
        #expect(sts.calls == 2, "no new attempt within the retry pause")
        sts.advance(61)  // expired
        await #expect(throws: UpstreamError.unreachable(provider: "bedrock", reason: "STS AssumeRoleWithWebIdentity: no answer")) {
            try await source.credentials()
        }
        sts.state.withLock { $0.unreachable = false }
        #expect(try await source.credentials().accessKeyID == "ASIA4")
    }

    @Test func stsRefusalIsAShortReasonWithoutTheToken() async throws {
        let sts = FakeSTS()
        sts.state.withLock { $0.failing = (400, Self.stsError) }
        let source = try sts.source(tokenFile: Self.tokenFile("eyJhbGciOi.secret"))
        do {
            _ = try await source.credentials()
            Issue.record("expected a refusal")
        } catch {
            guard case .misconfigured(let provider, let reason) = error else { Issue.record("\(error)"); return }
            #expect(provider == "bedrock")
            #expect(reason.contains("400") && reason.contains("InvalidIdentityToken"))
            #expect(reason.contains("[token] is not valid & expired"))
            #expect(!reason.contains("eyJhbGciOi"))
        }
        sts.state.withLock { $0.failing = (503, "<html>busy</html>") }
        sts.advance(11)
        await #expect(throws: UpstreamError.unreachable(provider: "bedrock", reason: "STS AssumeRoleWithWebIdentity refused (503)")) {
            try await source.credentials()
        }
    }

    @Test func tokenFileIsReadAgainAtEveryRefresh() async throws {
        let sts = FakeSTS()
        let path = try Self.tokenFile("jwt-old")
        let source = try sts.source(tokenFile: path)
        _ = try await source.credentials()
        try "jwt-new\n".write(toFile: path, atomically: true, encoding: .utf8)
        sts.advance(3600)
        _ = try await source.credentials()
        #expect(sts.state.withLock { $0.tokens } == ["jwt-old", "jwt-new"])
        try FileManager.default.removeItem(atPath: path)
        sts.advance(3600)
        await #expect(throws: UpstreamError.misconfigured(provider: "bedrock", reason: "web identity token: secret file \(path) cannot be read")) {
            try await source.credentials()
        }
    }

    @Test func answerParsing() {
        #expect(STSAnswer.error(Self.stsError)?.code == "InvalidIdentityToken")
        #expect(STSAnswer.credentials("<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult>") == nil)
        #expect(AWSTimestamp.epochSeconds(iso8601: "2026-12-07T09:13:36Z") == 1_796_634_816)
        #expect(AWSTimestamp.epochSeconds(iso8601: "2026-12-07T09:13:36.250Z") == 1_796_634_816)
        #expect(AWSTimestamp.epochSeconds(iso8601: "2026-13-07T09:13:36Z") == nil)
        #expect(AWSTimestamp.epochSeconds(iso8601: "yesterday") == nil)
    }
}
