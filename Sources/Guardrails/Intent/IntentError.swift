/// Errors of the intent guardrails. Messages never contain inspected text.
public enum IntentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The weights file is missing or malformed.
    case weights(String)
    /// A signature or rule failed to compile.
    case signatures(String)
    /// Configuration is inconsistent (a threshold outside 0...1, a bad URL).
    case configuration(String)

    public var description: String {
        switch self {
        case .weights(let m), .signatures(let m), .configuration(let m): m
        }
    }
}
