/// A name, optionally qualified by the issuer that asserted it, whose hash is computed once. Keys built from
/// the same principal, group or model on the hot path hash a few integers instead of re-hashing the text for
/// every dictionary operation. Equality still compares the texts, so a hash collision can never merge two
/// names — nor the same name asserted by two issuers.
public struct HashedName: Hashable, Sendable {
    /// The issuer of an identity name (`Principal.issuer`); empty for model names.
    public let issuer: String
    public let text: String
    /// Seeded per process (Swift's `Hasher`): never persist or share it; shared stores key by the texts.
    public let digest: Int

    init(_ text: String) {
        issuer = ""
        self.text = text
        digest = text.hashValue
    }

    /// `text` as asserted by `issuer`; `issuerDigest` is `issuer.hashValue`, computed once per request.
    init(issuer: String, issuerDigest: Int, text: String) {
        self.issuer = issuer
        self.text = text
        var h = Hasher()
        h.combine(issuerDigest)
        h.combine(text)
        digest = h.finalize()
    }

    static let empty = HashedName("")

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    public static func == (a: HashedName, b: HashedName) -> Bool {
        a.digest == b.digest && a.text == b.text && a.issuer == b.issuer
    }
}
