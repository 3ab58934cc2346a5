/// A limits configuration that cannot work (a rule with no limit, a negative amount...).
public struct LimitsConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// Rethrows as a decoding error at `key`, so the start-up message names the key.
    static func check<K: CodingKey>(
        _ condition: Bool, _ message: @autoclosure () -> String, key: K, in container: KeyedDecodingContainer<K>
    ) throws {
        if !condition {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message())
        }
    }
}
