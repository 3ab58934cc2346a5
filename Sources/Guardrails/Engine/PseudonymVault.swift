/// Placeholders handed out in one request, and the originals of pseudonymised ones so the answer can
/// have them back. Lives only in memory for the request; never logged (its description shows counts).
public struct PseudonymVault: Sendable, CustomStringConvertible {
    /// placeholder → original, for pseudonymised values only.
    private var originals: [String: String] = [:]
    /// category + value → placeholder, so one value always gets the same placeholder.
    private var assigned: [String: String] = [:]
    /// label → last number used.
    private var counters: [String: Int] = [:]

    public init() {}

    /// The placeholder for `value` of `category` (`[EMAIL_1]`), the same one every time it comes back.
    /// `reversible` records the original so `original(for:)` can restore it.
    public mutating func placeholder(for value: String, category: String, reversible: Bool) -> String {
        let key = category + "\u{0}" + value
        if let existing = assigned[key] {
            if reversible { originals[existing] = value }
            return existing
        }
        let label = category.placeholderLabel
        let number = (counters[label] ?? 0) + 1
        counters[label] = number
        let placeholder = "[\(label)_\(number)]"
        assigned[key] = placeholder
        if reversible { originals[placeholder] = value }
        return placeholder
    }

    /// The original behind a pseudonym, or nil when `placeholder` was not issued as reversible.
    public func original(for placeholder: String) -> String? { originals[placeholder] }

    /// Number of reversible placeholders.
    public var count: Int { originals.count }

    public var description: String { "PseudonymVault(\(originals.count) pseudonyms, \(assigned.count) placeholders)" }
}
