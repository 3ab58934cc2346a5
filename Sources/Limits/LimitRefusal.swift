/// Why a request was not admitted. `Gateway` answers 429 with `Retry-After: retryAfterSeconds`, the
/// `headers` below, and an OpenAI-style error body `{"error":{"message","type","code"}}` from
/// `message`, `errorType` and `errorCode`. The message names the scope kind and period only, never a
/// principal, group or tenant name. `unavailable` is not a limit reached but a store that could not answer:
/// `Gateway` answers it as a control that is unavailable (503), never by admitting the call.
public struct LimitRefusal: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case rateLimitRequests = "rate_limit_requests"
        case rateLimitTokens = "rate_limit_tokens"
        case budgetExhausted = "budget_exhausted"
        /// The rate-limit or budget store could not answer, so nothing could be checked (fails closed).
        case unavailable
    }

    public let kind: Kind
    /// The scope that refused: `principal`, `group`, `tenant`, `model`, `principal_model`, `policy`
    /// (a rate imposed by a policy obligation); for budgets `principal`, `group` or `tenant`; `store` when
    /// the store could not answer.
    public let scope: String
    /// For budgets: `day` or `month`.
    public let period: BudgetPeriod?
    /// Seconds until the request could succeed (for budgets: until the period rolls over).
    public let retryAfterSeconds: Int
    /// Whether retrying can help soon: false for an exhausted budget and for a request larger than a
    /// token limit. Then `headers` carries `x-should-retry: false`, which the official OpenAI and
    /// Anthropic SDKs obey instead of retrying every 429.
    public let retryable: Bool
    /// `retry-after`, `retry-after-ms`, `x-should-retry` (when not retryable) and the `x-ratelimit-*` set,
    /// ready to send.
    public let headers: [(String, String)]
    public let message: String

    /// As OpenAI answers: `rate_limit_exceeded` for rate limits, `insufficient_quota` for an exhausted
    /// budget (so a client tells "wait" from "out of money" by the code alone); `control_unavailable` when
    /// the store could not answer.
    public var errorCode: String {
        switch kind {
        case .rateLimitRequests, .rateLimitTokens: "rate_limit_exceeded"
        case .budgetExhausted: "insufficient_quota"
        case .unavailable: "control_unavailable"
        }
    }

    /// OpenAI's error `type`: `requests` or `tokens` for rate limits, `insufficient_quota` for budgets,
    /// `server_error` when the store could not answer.
    public var errorType: String {
        switch kind {
        case .rateLimitRequests: "requests"
        case .rateLimitTokens: "tokens"
        case .budgetExhausted: "insufficient_quota"
        case .unavailable: "server_error"
        }
    }

    /// Whether the store could not answer (rather than a limit being reached).
    public var isUnavailable: Bool { kind == .unavailable }

    /// The store behind rate limits or budgets could not answer: nothing was admitted. Retryable, after a second.
    static let unavailable = LimitRefusal(
        kind: .unavailable, scope: "store", waitNanos: 1_000_000_000, retryable: true, rateHeaders: [],
        message: "Rate limits and budgets cannot be checked right now; nothing was forwarded.")

    public var description: String { "\(kind.rawValue) (\(scope)): \(message)" }

    init(
        kind: Kind, scope: String, period: BudgetPeriod? = nil, waitNanos: Int64, retryable: Bool = true,
        rateHeaders: [(String, String)], message: String
    ) {
        self.kind = kind
        self.scope = scope
        self.period = period
        self.retryable = retryable
        retryAfterSeconds = RateLimitHeaders.retryAfterSeconds(waitNanos)
        let ms = max(1, (waitNanos + 999_999) / 1_000_000)
        headers = [("retry-after", String(retryAfterSeconds)), ("retry-after-ms", String(ms))]
            + (retryable ? [] : [("x-should-retry", "false")]) + rateHeaders
        self.message = message
    }
}

extension BucketKey.Kind {
    var scopeName: String {
        switch self {
        case .principal: "principal"
        case .group: "group"
        case .tenant: "tenant"
        case .model: "model"
        case .principalModel: "principal_model"
        case .obligation: "policy"
        case .actor: "actor"
        case .principalActor: "principal_actor"
        case .tool: "tool"
        }
    }
}
