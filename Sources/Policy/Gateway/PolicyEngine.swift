import Core

/// The gateway's policy decision point: a compiled policy set plus the static entities (group and role
/// hierarchy, model families, action groups). Immutable; `PolicyStore` swaps engines on reload.
public final class PolicyEngine: Sendable {
    public let policies: PolicySet
    public let entities: EntityStore
    /// Hash of the policy source texts, from the `hasher` given at init (the gateway passes SHA-256 hex).
    public let policySetHash: String
    /// Obligations of each policy (by index), read from its annotations at load.
    let obligations: [Obligations?]
    /// For each operation, the policies whose action scope can match it (actions are static entities).
    let candidates: [Core.Operation: [Int]]
    /// The guardrail profile a determining permit without `@guardrails` stands for.
    public let defaultGuardrailProfile: String

    /// Action groups used when none are configured: the inference operations share `Action::"inference"`,
    /// the MCP methods `Action::"mcp"`; `models.list` stands alone.
    public static let defaultActionGroups: [String: [String]] = [
        "inference": [
            Operation.chatCompletions.rawValue, Operation.responses.rawValue, Operation.messages.rawValue,
            Operation.messagesCountTokens.rawValue, Operation.embeddings.rawValue,
        ],
        "mcp": Operation.allCases.filter(\.isMCP).map(\.rawValue),
    ]

    /// - Parameters:
    ///   - entities: static entities (e.g. from a Cedar JSON entities file): groups, roles and their parents.
    ///   - actionGroups: group name → operations (`rawValue`s) that are `in Action::"<group>"`.
    ///   - defaultGuardrailProfile: `guardrails.default_profile` (see `decide`: unannotated permits).
    ///   - hasher: maps the concatenated policy source to the hash put in every decision.
    public init(
        policies: PolicySet, entities: EntityStore = .empty,
        actionGroups: [String: [String]] = PolicyEngine.defaultActionGroups, defaultGuardrailProfile: String = "standard",
        hasher: (String) -> String
    ) throws(PolicyEngineError) {
        self.policies = policies
        self.defaultGuardrailProfile = defaultGuardrailProfile
        var obligations: [Obligations?] = []
        for p in policies.policies { obligations.append(try ObligationAnnotations.obligations(of: p)) }
        self.obligations = obligations
        var actions: [EntityUID: Set<EntityUID>] = [:]
        for op in Operation.allCases { actions[EntityUID(type: "Action", id: op.rawValue)] = [] }
        for (group, members) in actionGroups {
            let g = EntityUID(type: "Action", id: group)
            actions[g, default: []].formUnion([])
            for m in members { actions[EntityUID(type: "Action", id: m), default: []].insert(g) }
        }
        let actionEntities = actions.map { uid, groups in
            let existing = entities[uid]
            return Entity(
                uid: uid, attributes: existing?.attributes ?? [:],
                parents: Array(Set(existing?.parents ?? []).union(groups)), tags: existing?.tags ?? [:])
        }
        let store = entities.adding(actionEntities)
        self.entities = store
        var candidates: [Core.Operation: [Int]] = [:]
        for op in Operation.allCases {
            let uid = EntityUID(type: "Action", id: op.rawValue)
            let ancestors = store[uid]?.ancestors ?? AncestorSet([])
            candidates[op] = policies.policies.indices.filter {
                policies.policies[$0].actionScopeAdmits(uid, ancestors: ancestors)
            }
        }
        self.candidates = candidates
        self.policySetHash = hasher(policies.source)
    }

    /// Decides one gateway request with Cedar semantics (see `docs/policy.md` for what goes in).
    public func decide(_ query: PolicyQuery) -> Decision {
        let request = PolicyRequestMapping.request(for: query, entities: entities)
        let result = policies.authorize(request, candidates: candidates[query.operation] ?? [])
        let all = policies.policies
        let errors = result.errors.map { "\(all[$0.policy].id): \($0.error.message)" }
        guard result.decision == .allow else {
            return Decision(
                effect: .deny, determiningPolicies: result.determining.map { all[$0].id }, errors: errors,
                policySetHash: policySetHash)
        }
        return Decision(
            effect: .allow, determiningPolicies: result.determining.map { all[$0].id }, errors: errors,
            obligations: obligations(of: result.determining), policySetHash: policySetHash)
    }

    /// Most restrictive wins, and every determining permit takes part: one without `@guardrails` stands
    /// for the default profile and one without `@cache_scope` for `principal` (the narrowest), so a
    /// looser annotation on another permit can never loosen what this one would serve under the defaults.
    /// With no annotated permit at all the result is `.none` (the defaults). A custom default profile
    /// ranks as `standard` and wins a tie.
    func obligations(of determining: [Int]) -> Obligations {
        let annotated = determining.compactMap { obligations[$0] }
        guard var merged = annotated.first else { return .none }
        for o in annotated.dropFirst() { merged = merged.merged(with: o) }
        let fallback = GuardrailProfileName(defaultGuardrailProfile)
        if determining.contains(where: { obligations[$0]?.guardrailProfile == nil }),
           merged.guardrailProfile.map({ $0.restrictiveness <= fallback.restrictiveness }) ?? true {
            merged.guardrailProfile = fallback
        }
        if determining.contains(where: { obligations[$0]?.cacheScope == nil }) { merged.cacheScope = .principal }
        return merged
    }
}
