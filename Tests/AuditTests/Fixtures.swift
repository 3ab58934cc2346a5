import Core
import Foundation

@testable import Audit

/// A fresh directory under the temporary directory, per test.
func scratchDirectory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}


/// Writes a secret to a file and returns its `file:` reference.
func secretFile(_ dir: String, _ name: String, _ value: String) throws -> SecretReference {
    let path = dir + "/" + name
    try value.write(toFile: path, atomically: true, encoding: .utf8)
    return try SecretReference("file:" + path)
}

/// A fresh Ed25519 signing key file in `dir`, as a `file:` reference.
func signingKey(_ dir: String, name: String = "signing.key") throws -> SecretReference {
    try CheckpointSigner.generateKeyFile(at: dir + "/" + name)
    return try SecretReference("file:" + dir + "/" + name)
}

/// A signer with a fresh key (for forgeries).
func freshSigner(name: String) throws -> CheckpointSigner {
    let dir = scratchDirectory()
    try CheckpointSigner.generateKeyFile(at: dir + "/k")
    return try CheckpointSigner(name: name, keyText: String(contentsOfFile: dir + "/k", encoding: .utf8))
}

func principal(_ subject: String) -> Principal {
    Principal(issuer: "https://idp.example", subject: subject, kind: .user, groups: ["staff", "analysts"], tenant: "acme", acr: "mfa")
}

/// Writes one request of the given outcome the way the gateway does: begin+end when it reaches a
/// provider, a single complete record otherwise.
func writeRequest(_ trail: AuditTrail, id: String, outcome: AuditRecord.Outcome, subject: String = "alice") async throws {
    let ctx = RequestContext(requestID: id, clientIP: "10.0.0.7", route: "/v1/chat/completions")
    var r = AuditRecord(
        trailID: TrailID.make(), phase: .begin, context: ctx, operation: .chatCompletions,
        principal: outcome == .refusedAuth ? nil : principal(subject))
    r.modelRequested = "gpt-test"
    r.decision = AuditDecision(Decision(effect: outcome == .refusedPolicy ? .deny : .allow, determiningPolicies: ["p1"], policySetHash: "abc"))
    r.findings = AuditFinding.summarise([Finding(detector: "pii.email", category: "pii.email", start: 3, end: 20, score: 1)])
    r.requestBody = Array("{\"messages\":[\"hello \(id)\"]}".utf8)
    switch outcome {
    case .refusedAuth, .refusedPolicy, .refusedLimit, .blockedGuardrail, .cacheHit, .invalidRequest, .controlUnavailable:
        r.outcome = outcome
        r.refusalReason = outcome == .refusedAuth ? "invalid_token" : nil
        r.status = switch outcome {
        case .cacheHit: 200
        case .refusedAuth: 401
        case .refusedLimit: 429
        case .invalidRequest: 400
        case .controlUnavailable: 503
        default: 403
        }
        r.responseBody = Array("{\"error\":\"\(outcome.rawValue)\"}".utf8)
        try await trail.complete(r)
    default:
        try await trail.begin(r)
        var e = r
        e.requestBody = nil
        e.responseBody = Array("{\"answer\":\"ok \(id)\"}".utf8)
        e.outcome = outcome
        e.status = outcome == .allowed ? 200 : 502
        e.usage = TokenUsage(inputTokens: 12, outputTokens: 30)
        e.cost = 0.00042
        e.latency = AuditLatency(gatewayOverheadMs: 1.5, upstreamMs: 120, timeToFirstTokenMs: 40, totalMs: 122)
        e.modelServed = "gpt-test-2026"
        e.provider = "mock"
        e.streamedBytes = 2048
        try await trail.end(e)
    }
}
