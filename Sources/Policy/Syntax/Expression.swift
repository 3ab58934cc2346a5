/// The compiled form of a Cedar expression. Entity references, patterns and constant sub-expressions
/// are resolved at parse time, so evaluation does no text work.
indirect enum Expression: Sendable {
    case literal(Value)
    case variable(Variable)
    case not(Expression)
    case negate(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case ifThenElse(Expression, Expression, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case method(UnaryMethod, Expression)
    case extensionCall(ExtensionFunction, Expression)
    case attribute(Expression, String)
    /// `principal.a`, `context.a`, ...: read without materialising the variable's value.
    case variableAttribute(Variable, String)
    /// `e has a.b.c` — a path of one or more attribute names.
    case has(Expression, [String])
    case like(Expression, Pattern)
    case isType(Expression, String)
    case isTypeIn(Expression, String, Expression)
    /// A call that always fails when evaluated (Cedar checks extension-function arity at evaluation).
    case failure(EvaluationError)
    case set([Expression])
    case record([(String, Expression)])
}

enum Variable: Sendable {
    case principal, action, resource, context
}

enum BinaryOperator: Sendable {
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case add, subtract, multiply
    case `in`
    case contains, containsAll, containsAny
    case isInRange
    case decimalLess, decimalLessEqual, decimalGreater, decimalGreaterEqual
    case getTag, hasTag
}

enum UnaryMethod: Sendable {
    case isIpv4, isIpv6, isLoopback, isMulticast, isEmpty
}

enum ExtensionFunction: String, Sendable {
    case ip
    case decimal
}

/// An error raised while evaluating a policy condition; the policy is then skipped and reported.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func type(expected: String, got value: Value) -> EvaluationError {
        EvaluationError("type error: expected \(expected), got \(value.typeName)")
    }
}
