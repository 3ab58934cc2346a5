/// A string whose hash is computed once. Keys built from the same principal, group or model on the hot
/// path hash a few integers instead of re-hashing the text for every dictionary operation. Equality still
/// compares the text, so a hash collision can never merge two names.
public struct HashedName: Hashable, Sendable {
    public let text: String
    /// Seeded per process (Swift's `Hasher`): never persist or share it; shared stores key by `text`.
    public let digest: Int

    init(_ text: String) {
        self.text = text
        digest = text.hashValue
    }

    static let empty = HashedName("")

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    public static func == (a: HashedName, b: HashedName) -> Bool { a.digest == b.digest && a.text == b.text }
}
