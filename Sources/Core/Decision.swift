/// The outcome of the policy step for one request.
public struct Decision: Sendable, Hashable, Codable {
    public enum Effect: String, Sendable, Hashable, Codable {
        case allow, deny
    }

    public var effect: Effect
    /// Ids of the policies that determined the outcome (satisfied permits on allow, satisfied forbids
    /// on deny; empty on default deny).
    public var determiningPolicies: [String]
    /// Policies skipped because their evaluation errored, with the error text.
    public var errors: [String]
    public var obligations: Obligations
    /// Hash of the policy set that decided, for the audit record.
    public var policySetHash: String

    public init(
        effect: Effect, determiningPolicies: [String] = [], errors: [String] = [],
        obligations: Obligations = .none, policySetHash: String = ""
    ) {
        self.effect = effect
        self.determiningPolicies = determiningPolicies
        self.errors = errors
        self.obligations = obligations
        self.policySetHash = policySetHash
    }

    public var isAllowed: Bool { effect == .allow }
}
