/// The shared database could not answer in time (down, unreachable, timed out, refused the statement). The
/// control that needed it fails closed. `reason` never carries the connection string or a bound value.
public struct DatabaseUnavailable: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "database unavailable: \(reason)" }
}
