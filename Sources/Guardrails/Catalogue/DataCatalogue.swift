/// The built-in data-protection rules (PII and secrets), both directions.
public enum DataCatalogue {
    public static var pii: [DetectorRule] {
        PIIContactRules.all + PIIIdentityRules.all + PIIFinancialRules.all
    }

    public static var secrets: [DetectorRule] {
        SecretTokenRules.all + SecretStructuredRules.all
    }

    public static var all: [DetectorRule] { pii + secrets }

    /// Category of the internal rule that finds our own placeholders (`[EMAIL_1]`) in responses, so that
    /// pseudonymised values can be restored even when a placeholder is split across chunks.
    static let placeholderCategory = "internal.placeholder"

    static let placeholder = DetectorRule(
        id: placeholderCategory, category: placeholderCategory, pattern: #"\[[A-Z][A-Z0-9_]{0,40}_[0-9]{1,6}\]"#,
        directions: [.response], baseScore: 1
    )
}
