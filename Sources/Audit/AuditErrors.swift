/// The trail could not make a record durable. The gateway answers 503 (fail closed) or, in fail-open
/// mode, forwards and counts. The reason names the failure, never a secret or record content.
public struct AuditUnavailable: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "audit trail unavailable: \(reason)" }
}

/// Setup and key-handling failures of the audit module (not on the request path).
public enum AuditError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidSigningKey(String)
    case invalidContentKey(String)
    case invalidPublicKey(String)
    case invalidCheckpoint(String)
    case storeCorrupt(String)

    public var description: String {
        switch self {
        case .invalidSigningKey(let why): "audit signing key: \(why)"
        case .invalidContentKey(let why): "audit content key: \(why)"
        case .invalidPublicKey(let why): "audit public key: \(why)"
        case .invalidCheckpoint(let why): "audit checkpoint: \(why)"
        case .storeCorrupt(let why): "audit store: \(why)"
        }
    }
}
