/// The result of authorizing one request against a policy set, with Cedar's rules: default deny,
/// any satisfied `forbid` overrides every `permit`, errored policies are skipped and reported.
public struct AuthorizationResult: Sendable {
    public enum Decision: String, Sendable { case allow = "Allow", deny = "Deny" }

    public var decision: Decision
    /// Indices (into `PolicySet.policies`) of the policies that determined the decision.
    public var determining: [Int]
    /// Satisfied permit policies (determining when allowed).
    public var satisfiedPermits: [Int]
    /// Policies whose evaluation errored, with the error.
    public var errors: [(policy: Int, error: EvaluationError)]
}

extension PolicySet {
    /// Evaluates every policy against the request.
    public func authorize(_ request: AuthorizationRequest) -> AuthorizationResult {
        authorize(request, candidates: policies.indices)
    }

    /// Evaluates only `candidates` (indices, ascending): the caller has excluded policies that cannot
    /// match, e.g. by action scope.
    func authorize<C: Collection<Int>>(_ request: AuthorizationRequest, candidates: C) -> AuthorizationResult {
        let evaluator = Evaluator(request: request)
        var permits: [Int] = []
        var forbids: [Int] = []
        var errors: [(policy: Int, error: EvaluationError)] = []
        for index in candidates {
            let policy = policies[index]
            guard policy.scopeMatches(request) else { continue }
            do {
                if try policy.conditionsHold(evaluator) {
                    if policy.effect == .permit { permits.append(index) } else { forbids.append(index) }
                }
            } catch {
                errors.append((index, error))
            }
        }
        if !forbids.isEmpty {
            return AuthorizationResult(decision: .deny, determining: forbids, satisfiedPermits: permits, errors: errors)
        }
        return AuthorizationResult(
            decision: permits.isEmpty ? .deny : .allow, determining: permits, satisfiedPermits: permits, errors: errors)
    }
}

extension Policy {
    /// Whether the action scope admits `action`, given the action's ancestors.
    func actionScopeAdmits(_ action: EntityUID, ancestors: AncestorSet) -> Bool {
        switch self.action {
        case .any: true
        case .equal(let uid): action == uid
        case .in(let list): list.contains { $0 == action || ancestors.contains($0) }
        }
    }

    func scopeMatches(_ request: AuthorizationRequest) -> Bool {
        switch action {
        case .any: break
        case .equal(let uid): guard request.action == uid else { return false }
        case .in(let list):
            guard list.contains(where: request.actionIsIn) else { return false }
        }
        return principal.matches(request.principal, isIn: request.principalIsIn)
            && resource.matches(request.resource, isIn: request.resourceIsIn)
    }

    func conditionsHold(_ evaluator: Evaluator) throws(EvaluationError) -> Bool {
        for condition in conditions {
            let v = try evaluator.evaluate(condition.body)
            guard case .bool(let b) = v else { throw .type(expected: "bool", got: v) }
            if b != condition.isWhen { return false }
        }
        return true
    }
}

extension ScopeConstraint {
    @inline(__always)
    func matches(_ uid: EntityUID, isIn: (EntityUID) -> Bool) -> Bool {
        switch self {
        case .any: true
        case .equal(let e): uid == e
        case .in(let e): isIn(e)
        case .is(let type): uid.type == type
        case .isIn(let type, let e): uid.type == type && isIn(e)
        }
    }
}
