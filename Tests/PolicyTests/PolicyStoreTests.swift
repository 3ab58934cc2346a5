import Core
import Foundation
import Testing
@testable import Policy

@Suite("Policy reload")
struct PolicyStoreTests {
    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).cedar").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let query = PolicyQuery(
        principal: Principal(issuer: "i", subject: "s", kind: .user), operation: .chatCompletions,
        model: ModelDescriptor(name: "m", provider: "p", upstreamModel: "m"))

    @Test func brokenReloadKeepsTheOldSetAndCounts() throws {
        let path = try Self.temporaryFile("@id(\"allow-all\") permit(principal, action, resource);")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try PolicyStore(source: PolicySource(policyPaths: [path], hasher: { "\($0.count)" }))
        #expect(store.decide(Self.query).determiningPolicies == ["allow-all"])

        try "permit(principal, action, resource) when { 1 < };".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PolicyEngineError.self) { try store.reload() }
        #expect(store.reloadFailures == 1)
        #expect(store.lastReloadError?.contains("\(path):1:48:") == true)
        #expect(store.decide(Self.query).determiningPolicies == ["allow-all"])

        try "@id(\"deny\") forbid(principal, action, resource);".write(toFile: path, atomically: true, encoding: .utf8)
        try store.reload()
        #expect(store.reloadCount == 1)
        #expect(store.lastReloadError == nil)
        let d = store.decide(Self.query)
        #expect(d.effect == .deny && d.determiningPolicies == ["deny"])
    }

    @Test func initialLoadFailureThrows() throws {
        let path = try Self.temporaryFile("forbid(principal, action, resource")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: PolicyEngineError.self) { try PolicyStore(source: PolicySource(policyPaths: [path], hasher: { $0 })) }
    }

    @Test func watcherReloadsOnChange() throws {
        let path = try Self.temporaryFile("permit(principal, action, resource);")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try PolicyStore(source: PolicySource(policyPaths: [path], hasher: { $0 }))
        let watcher = PolicyFileWatcher(store: store)
        let first = PolicyFileWatcher.fingerprint([path])
        #expect(watcher.check(last: first) == first)
        #expect(store.reloadCount == 0)
        try "forbid(principal, action, resource); // changed size".write(toFile: path, atomically: true, encoding: .utf8)
        let second = watcher.check(last: first)
        #expect(second != first)
        #expect(store.reloadCount == 1)
        #expect(!store.decide(Self.query).isAllowed)
    }
}
