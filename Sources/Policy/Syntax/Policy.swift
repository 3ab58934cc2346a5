/// One compiled Cedar policy: effect, scope, and conditions conjoined in source order.
public final class Policy: Sendable {
    public enum Effect: String, Sendable {
        case permit, forbid
    }

    /// `policyN`, N the position in the set (what the reference implementation reports).
    public let positionalID: String
    /// The `@id` annotation when present, else `positionalID`.
    public let id: String
    public let effect: Effect
    /// All annotations, `@name("value")`; a bare `@name` has the empty value.
    public let annotations: [String: String]
    let principal: ScopeConstraint
    let action: ActionConstraint
    let resource: ScopeConstraint
    /// `when` clauses as-is and `unless` clauses negated, in source order.
    let conditions: [Condition]
    /// Where the policy starts in its file.
    public let location: SourceLocation

    init(
        positionalID: String, id: String, effect: Effect, annotations: [String: String], principal: ScopeConstraint,
        action: ActionConstraint, resource: ScopeConstraint, conditions: [Condition], location: SourceLocation
    ) {
        self.positionalID = positionalID
        self.id = id
        self.effect = effect
        self.annotations = annotations
        self.principal = principal
        self.action = action
        self.resource = resource
        self.conditions = conditions
        self.location = location
    }
}

enum ScopeConstraint: Sendable {
    case any
    case equal(EntityUID)
    case `in`(EntityUID)
    case `is`(String)
    case isIn(String, EntityUID)
}

enum ActionConstraint: Sendable {
    case any
    case equal(EntityUID)
    case `in`([EntityUID])
}

struct Condition: Sendable {
    var isWhen: Bool
    var body: Expression
}
