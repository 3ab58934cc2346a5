import Core
import Foundation

/// Sends one HTTP POST and returns status and body. The gateway supplies it (over its HTTP client), so
/// Guardrails stays free of HTTP dependencies; it should honour `timeout`, and the judge enforces it too.
public typealias JudgeTransport =
    @Sendable (_ url: String, _ headers: [(String, String)], _ body: [UInt8], _ timeout: Duration) async throws -> (
        status: Int, body: [UInt8]
    )

/// What the judge said about one text.
public struct JudgeResult: Sendable, Equatable {
    /// `harmful.<kind>` findings (detector `judge.moderation` / `judge.chat`), or, when the judge failed
    /// and the fail mode is closed, one `harmful.unverified` finding (detector `judge.unavailable`).
    public var findings: [Finding]
    /// Why the judge gave no verdict (timeout, HTTP status, unreadable answer); nil when it answered.
    /// Never contains the inspected text.
    public var failure: String?
}

/// The optional external judge step: asks a moderation or Llama-Guard endpoint about a message, with a
/// timeout and a fail mode (closed by default). Async, so the pipeline calls it next to the local
/// detectors rather than inside the synchronous scan.
public struct ExternalJudge: Sendable {
    public let configuration: ExternalJudgeConfiguration
    private let transport: JudgeTransport
    private let headers: [(String, String)]

    /// Resolves the API key reference once (throws `SecretReference.Failure` when it cannot).
    public init(
        configuration: ExternalJudgeConfiguration, transport: @escaping JudgeTransport,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.configuration = configuration
        self.transport = transport
        var headers = [("content-type", "application/json"), ("accept", "application/json")]
        if let key = configuration.apiKey {
            headers.append(("authorization", "Bearer \(try key.resolve(environment: environment))"))
        }
        self.headers = headers
    }

    public func evaluate(_ text: String, direction: Finding.Direction = .request) async -> JudgeResult {
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let body = JudgeProtocol.requestBody(text, configuration: configuration)
        let url = configuration.url
        let headers = headers
        let transport = transport
        do {
            let response = try await withThrowingTaskGroup(of: (status: Int, body: [UInt8])?.self) { group in
                group.addTask { try await transport(url, headers, body, timeout) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw JudgeFailure.timeout }
                return response
            }
            guard (200..<300).contains(response.status) else { throw JudgeFailure.status(response.status) }
            let kinds = try JudgeProtocol.flaggedKinds(response.body, kind: configuration.kind)
            let count = text.unicodeScalars.count
            let detector = "judge.\(configuration.kind.rawValue)"
            return JudgeResult(
                findings: kinds.map {
                    Finding(detector: detector, category: "harmful.\($0)", start: 0, end: count, score: 1, direction: direction)
                }, failure: nil)
        } catch {
            let reason = (error as? JudgeFailure)?.description ?? "transport error"
            guard configuration.fail == .closed else { return JudgeResult(findings: [], failure: reason) }
            let count = text.unicodeScalars.count
            return JudgeResult(
                findings: [
                    Finding(detector: "judge.unavailable", category: "harmful.unverified", start: 0, end: count, score: 1,
                            direction: direction)
                ], failure: reason)
        }
    }
}

enum JudgeFailure: Error, CustomStringConvertible {
    case timeout
    case status(Int)
    case unreadable

    var description: String {
        switch self {
        case .timeout: "judge timed out"
        case .status(let s): "judge answered HTTP \(s)"
        case .unreadable: "judge answer unreadable"
        }
    }
}
