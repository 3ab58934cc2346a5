import Core

/// The action for each category in one request: the selected profile, tightened by the policy's
/// obligations (`redact` sets apply in both directions, `pseudonymise` sets to the request).
struct ActionPolicy: Sendable {
    let profile: GuardrailProfile
    let obligations: Obligations
    let customDefaults: [String: GuardrailAction]

    func action(for category: String, direction: Finding.Direction) -> GuardrailAction {
        var action = profileAction(category, direction)
        if direction == .request, obligations.pseudonymise.contains(where: { category.isCategory(within: $0) }) {
            action = max(action, .pseudonymise)
        }
        if obligations.redact.contains(where: { category.isCategory(within: $0) }) {
            action = max(action, .redact)
        }
        // Rewriting applies to data only: intent findings cover whole instructions, not values.
        if !category.isDataCategory, action == .redact || action == .pseudonymise { action = .flag }
        if direction == .response, action == .pseudonymise { action = .flag }
        return action
    }

    private func profileAction(_ category: String, _ direction: Finding.Direction) -> GuardrailAction {
        let table = direction == .request ? profile.request : profile.response
        if let custom = customDefaults[category], !table.keys.contains(where: { $0 != "*" && category.isCategory(within: $0) }) {
            return max(custom, profile.action(for: category, direction: direction))
        }
        return profile.action(for: category, direction: direction)
    }
}

extension String {
    /// `pii.*`, `secret.*` and `custom.*`: values that can be replaced by a placeholder.
    var isDataCategory: Bool {
        hasPrefix("pii.") || hasPrefix("secret.") || hasPrefix("custom.") || self == "pii" || self == "secret"
    }

    /// Placeholder label: `pii.email` → `EMAIL`, `secret.aws_access_key` → `AWS_ACCESS_KEY`.
    var placeholderLabel: String {
        let last = split(separator: ".").last.map(String.init) ?? "VALUE"
        return String(last.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
