import Core

/// Runs one test case of a `policy test` file against an engine.
enum PolicyTestRunner {
    /// Problems with one case (empty = pass).
    static func run(_ c: TestCase, engine: PolicyEngine, models: [String: ModelDescriptor]) -> [String] {
        let effect: Decision.Effect
        let policies: [String]
        var obligations = Obligations.none
        var errors: [String] = []
        do {
            if let request = c.request {
                let decision = engine.decide(try request.query(models: models))
                (effect, policies, obligations, errors) =
                    (decision.effect, decision.determiningPolicies, decision.obligations, decision.errors)
            } else {
                guard let p = c.principal, let a = c.action, let r = c.resource else {
                    return ["give either `request` or `principal`, `action` and `resource`"]
                }
                var store = engine.entities
                if let e = c.entities { store = store.adding(try CedarJSON.entities(e)) }
                let request = AuthorizationRequest(
                    principal: try CedarJSON.entityUID(p), action: try CedarJSON.entityUID(a),
                    resource: try CedarJSON.entityUID(r), context: try CedarJSON.context(c.context), entities: store)
                let result = engine.policies.authorize(request)
                let all = engine.policies.policies
                effect = result.decision == .allow ? .allow : .deny
                policies = result.determining.map { all[$0].id }
                errors = result.errors.map { "\(all[$0.policy].id): \($0.error.message)" }
                if effect == .allow { obligations = engine.obligations(of: result.determining) }
            }
        } catch {
            return ["invalid case: \(error)"]
        }
        var problems: [String] = []
        if effect.rawValue != c.expect.rawValue {
            problems.append("expected \(c.expect.rawValue), got \(effect.rawValue) (policies: \(policies.joined(separator: ", ")))")
        }
        if let expected = c.expectPolicies, Set(expected) != Set(policies) {
            problems.append("expected policies \(expected.sorted()), got \(policies.sorted())")
        }
        if let expected = c.expectObligations { problems += expected.mismatches(obligations) }
        if !errors.isEmpty { problems.append("policy errors: \(errors.joined(separator: "; "))") }
        return problems
    }
}
