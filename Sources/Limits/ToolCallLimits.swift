import Core

/// Per-tool limits of MCP calls, from the obligations of the permitting policies: a rate per minute
/// (`@requests_per_minute`, GCRA) and a call budget per UTC day (`@calls_per_day`), each per principal and
/// tool. They live in the same stores as the model limits (`AdmissionControl.toolCallLimits`): in memory for one
/// gateway, in PostgreSQL when `database.stores` shares the limits — then every replica counts against the same
/// bucket and the same day's account, exactly (a bucket of kind `tool`; a ledger account keyed by principal and
/// tool, counted in calls).
///
/// A call is charged to the rate first and then takes one call from the day's account; a call the day refuses
/// gives its charge back, so a refusal never uses up either limit. A store that cannot answer refuses the call
/// (fail closed).
public final class ToolCallLimits: Sendable {
    public enum Refusal: Sendable, Equatable {
        /// Over the rate: seconds until one call fits.
        case rate(retryAfterSeconds: Int)
        /// The day's calls are spent: seconds until the next UTC day.
        case budget(retryAfterSeconds: Int)
        /// A store could not answer: nothing was counted.
        case unavailable
    }

    /// What a call is limited under: its server, the kind of target (tool, prompt, resource) and its name.
    public struct Tool: Sendable {
        public var server: String
        public var kind: String
        public var name: String

        public init(server: String, kind: String, name: String) {
            self.server = server
            self.kind = kind
            self.name = name
        }

        /// The server as the issuer, `<kind>:<name>` as the text (a kind never contains `:`).
        var hashed: HashedName { HashedName(issuer: server, issuerDigest: server.hashValue, text: "\(kind):\(name)") }
    }

    private let buckets: any RateLimitStore
    private let ledger: any BudgetStore
    private let clock: any LimitsClock
    private let sweep: @Sendable (Int64) async -> Void
    private let onFailure: @Sendable () -> Void

    /// Limits over the given stores. `sweep` runs the stores' housekeeping when due (the admission control's: ended
    /// days' accounts are forgotten); `onFailure` counts a store failure that was swallowed (a give-back or a
    /// settlement).
    init(
        buckets: any RateLimitStore, ledger: any BudgetStore, clock: any LimitsClock,
        sweep: @escaping @Sendable (Int64) async -> Void, onFailure: @escaping @Sendable () -> Void
    ) {
        self.buckets = buckets
        self.ledger = ledger
        self.clock = clock
        self.sweep = sweep
        self.onFailure = onFailure
    }

    /// Counts one call of `tool` by `principal` when both limits allow it; otherwise counts nothing and says why.
    public func take(_ principal: Principal, _ tool: Tool, perMinute: Int?, perDay: Int?) async -> Refusal? {
        guard perMinute != nil || perDay != nil else { return nil }
        let now = clock.now()
        await sweep(now)
        let owner = Caller(principal).key
        let item = tool.hashed
        var charged: (key: BucketKey, limits: BucketLimits)?
        if let perMinute {
            let rate = max(1, perMinute)
            let limits = BucketLimits(requestsPerMinute: rate, tokensPerMinute: nil)
            let key = BucketKey(kind: .tool, name: owner, model: item, requestLimit: rate, tokenLimit: 0)
            do {
                switch try await buckets.charge(key, limits, countRequest: true, tokens: 0, now: now) {
                case .admitted: charged = (key, limits)
                case .refused(_, let wait, _, _): return .rate(retryAfterSeconds: RateLimitHeaders.retryAfterSeconds(wait))
                }
            } catch {
                return .unavailable
            }
        }
        guard let perDay else { return nil }
        let window = UTCCalendar.window(.day, at: now)
        let target = BudgetTarget(
            key: LedgerKey(scope: .principal, name: owner, period: .day, index: window.index, tool: item),
            limit: Int64(max(0, perDay)), periodEnd: window.end)
        let full: BudgetTarget?
        do {
            full = try await ledger.reserve([target], amount: 1)
        } catch {
            await giveBack(charged, now: now)
            return .unavailable
        }
        if full != nil {
            await giveBack(charged, now: now)
            return .budget(retryAfterSeconds: Int((window.end - now + 999_999_999) / 1_000_000_000))
        }
        // The call is counted: the reservation becomes a call spent (a failed settlement leaves it reserved,
        // which still counts against the day).
        do { try await ledger.settle([target], reserved: 1, actual: 1) } catch { onFailure() }
        return nil
    }

    private func giveBack(_ charged: (key: BucketKey, limits: BucketLimits)?, now: Int64) async {
        guard let charged else { return }
        do { try await buckets.adjust(charged.key, charged.limits, requests: -1, tokens: 0, now: now) } catch { onFailure() }
    }
}
