import Core
import Foundation

/// Where a policy engine is loaded from: policy files (concatenated in order), an optional Cedar JSON
/// entities file, action groups, and the hash function for the policy-set hash.
public struct PolicySource: Sendable {
    public var policyPaths: [String]
    public var entitiesPath: String?
    public var actionGroups: [String: [String]]
    /// `guardrails.default_profile`: what a determining permit without `@guardrails` stands for.
    public var defaultGuardrailProfile: String
    public var hasher: @Sendable (String) -> String

    public init(
        policyPaths: [String], entitiesPath: String? = nil,
        actionGroups: [String: [String]] = PolicyEngine.defaultActionGroups, defaultGuardrailProfile: String = "standard",
        hasher: @escaping @Sendable (String) -> String
    ) {
        self.policyPaths = policyPaths
        self.entitiesPath = entitiesPath
        self.actionGroups = actionGroups
        self.defaultGuardrailProfile = defaultGuardrailProfile
        self.hasher = hasher
    }

    /// Reads, parses and compiles everything; any error names the file (and line:col for policies).
    public func load() throws(PolicyEngineError) -> PolicyEngine {
        let policies = try Self.readPolicies(policyPaths)
        var store = EntityStore.empty
        if let entitiesPath { store = try Self.readEntities(entitiesPath) }
        return try PolicyEngine(
            policies: policies, entities: store, actionGroups: actionGroups, defaultGuardrailProfile: defaultGuardrailProfile,
            hasher: hasher)
    }

    /// - Parameter uniqueIDs: see `PolicySet.init(sources:uniqueIDs:)`.
    public static func readPolicies(_ paths: [String], uniqueIDs: Bool = true) throws(PolicyEngineError) -> PolicySet {
        var sources: [PolicySet.Source] = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PolicyEngineError("\(path): cannot read policy file")
            }
            sources.append(.init(name: path, text: text))
        }
        do {
            return try PolicySet(sources: sources, uniqueIDs: uniqueIDs)
        } catch {
            throw PolicyEngineError(error.description)
        }
    }

    public static func readEntities(_ path: String) throws(PolicyEngineError) -> EntityStore {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyEngineError("\(path): cannot read entities file")
        }
        do {
            let json = try JSONDecoder().decode(JSONValue.self, from: data)
            return try EntityStore(CedarJSON.entities(json))
        } catch let error as EntityError {
            throw PolicyEngineError("\(path): \(error.message)")
        } catch {
            throw PolicyEngineError("\(path): not valid JSON")
        }
    }

    /// Every file the engine depends on (for change detection).
    public var watchedPaths: [String] { policyPaths + (entitiesPath.map { [$0] } ?? []) }
}
