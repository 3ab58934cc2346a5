/// Why no token could be had for an upstream. The gateway fails closed on every one of them: the upstream call
/// is refused and nothing is sent. Descriptions name the reason, the HTTP status and the identity provider's
/// `error` code only — never a token, the client secret or the provider's free-text `error_description`.
public struct TokenExchangeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// The call carries no user token to exchange (a client certificate alone).
        case noSubjectToken = "no_subject_token"
        /// The token endpoint could not be reached, or the connection failed.
        case unreachable
        /// No answer within `timeout_seconds`.
        case timeout
        /// The token endpoint refused (RFC 8693 §2.2.2 error answer, or another non-200 status).
        case refused
        /// A 200 answer that is not a usable token (RFC 8693 §2.2.1).
        case invalidAnswer = "invalid_answer"
    }

    public let reason: Reason
    /// What exactly, without secrets.
    public let detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "token exchange \(reason.rawValue): \(detail)" }
}
