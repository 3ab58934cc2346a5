/// What happens to text a finding covers. Ordered from least to most restrictive; when a profile and
/// an obligation disagree the more restrictive action wins.
public enum GuardrailAction: String, Codable, Sendable, Comparable, CaseIterable {
    /// Nothing; the finding is not even reported as a concern.
    case allow
    /// Report (audit, policy context) but forward unchanged.
    case flag
    /// Replace with a typed placeholder (`[EMAIL_1]`) on the way to the provider and put the original
    /// back in the answer. Request side only; on responses it acts as `flag`.
    case pseudonymise
    /// Replace with a typed placeholder for good.
    case redact
    /// Refuse the request, or stop the streamed answer.
    case block

    private var rank: Int {
        switch self {
        case .allow: 0
        case .flag: 1
        case .pseudonymise: 2
        case .redact: 3
        case .block: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

extension String {
    /// True when `self` is `prefix`, starts with `prefix.`, or `prefix` is `*`.
    func isCategory(within prefix: String) -> Bool {
        prefix == "*" || self == prefix || (hasPrefix(prefix) && dropFirst(prefix.count).first == ".")
    }
}
