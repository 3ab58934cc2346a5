import Synchronization

/// Placeholders handed out in one request, and the originals of pseudonymised ones so the answer can
/// have them back. One vault per request, shared by the request rewrite and every response filter of
/// that request (each choice, output item and tool call), so placeholder numbers never collide across
/// them. Lives only in memory for the request; never logged (its description shows counts).
///
/// A class behind a mutex: the filters of one answer run one after another on one task, but the vault
/// travels through the pipeline as `Sendable` state, so access is serialised rather than assumed.
public final class PseudonymVault: Sendable, CustomStringConvertible {
    private struct State {
        /// placeholder → original, for pseudonymised values only.
        var originals: [String: String] = [:]
        /// category + value → placeholder, so one value always gets the same placeholder.
        var assigned: [String: String] = [:]
        /// label → last number used.
        var counters: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The placeholder for `value` of `category` (`[EMAIL_1]`), the same one every time it comes back.
    /// `reversible` records the original so `original(for:)` can restore it.
    @discardableResult
    public func placeholder(for value: String, category: String, reversible: Bool) -> String {
        state.withLock { s in
            let key = category + "\u{0}" + value
            if let existing = s.assigned[key] {
                if reversible { s.originals[existing] = value }
                return existing
            }
            let label = category.placeholderLabel
            let number = (s.counters[label] ?? 0) + 1
            s.counters[label] = number
            let placeholder = "[\(label)_\(number)]"
            s.assigned[key] = placeholder
            if reversible { s.originals[placeholder] = value }
            return placeholder
        }
    }

    /// The original behind a pseudonym, or nil when `placeholder` was not issued as reversible.
    public func original(for placeholder: String) -> String? { state.withLock { $0.originals[placeholder] } }

    /// Every placeholder handed out, with the category of the value it stands for (for redacted audit
    /// copies, which show the category instead).
    public var categories: [String: String] {
        state.withLock { s in
            Dictionary(s.assigned.map { key, placeholder in (placeholder, String(key.prefix { $0 != "\u{0}" })) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Number of reversible placeholders.
    public var count: Int { state.withLock { $0.originals.count } }

    public var description: String {
        state.withLock { "PseudonymVault(\($0.originals.count) pseudonyms, \($0.assigned.count) placeholders)" }
    }
}
