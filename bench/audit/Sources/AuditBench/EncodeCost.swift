import Audit
import Crypto
import Foundation

/// CPU cost of the pieces of the serial section, per record, single-threaded.
func measurePieces(_ n: Int) throws {
    var r = AuditRecord(
        requestID: "w1-123", phase: .begin, action: "chat.completions",
        principal: AuditPrincipal(issuer: "https://idp.example", subject: "user1", kind: "user", groups: ["staff"]),
        clientIP: "10.1.2.3", modelRequested: "gpt-4o", decision: AuditDecision(effect: "allow", determiningPolicies: ["p1"]))
    r.sequence = 1
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let clock = ContinuousClock()
    var bytes = 0
    let t0 = clock.now
    for i in 0..<n {
        r.sequence = i
        bytes += try e.encode(r).count
    }
    let t1 = clock.now
    let body = [UInt8](repeating: 65, count: 1300)
    var x = 0
    for _ in 0..<n { x &+= Int(SHA256.hash(data: body).first { _ in true } ?? 0) }
    let t2 = clock.now
    func us(_ d: Duration) -> Double { (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(n) }
    print("per record: JSONEncoder \(String(format: "%.1f", us(t1 - t0))) µs (\(bytes / n) bytes), SHA-256 of 1.3 KB body \(String(format: "%.1f", us(t2 - t1))) µs (\(x % 2))")
}
