import Foundation
import Testing
@testable import Limits

@Suite struct ConfigurationTests {
    func decode(_ json: String) throws -> LimitsConfiguration {
        try JSONDecoder().decode(LimitsConfiguration.self, from: Data(json.utf8))
    }

    @Test func fullConfigurationDecodes() throws {
        let c = try decode("""
            {"rate_limits": [{"scope": "principal_model", "match": "*", "requests_per_minute": 60, "tokens_per_minute": 1000}],
             "budgets": [{"scope": "group", "match": "eng", "daily": 5, "monthly": 100.5}],
             "currency": "EUR", "max_keys": 500, "default_max_tokens": 1024, "reservation_timeout_seconds": 600,
             "cache": {"enabled": true, "ttl_seconds": 30, "max_entries": 10, "max_bytes": 4096}}
            """)
        #expect(c.rateLimits == [try RateLimitRule(scope: .principalModel, requestsPerMinute: 60, tokensPerMinute: 1000)])
        #expect(c.budgets == [try BudgetRule(scope: .group, match: "eng", daily: 5, monthly: 100.5)])
        #expect(c.currency == "EUR")
        #expect(c.maxKeys == 500)
        #expect(c.defaultMaxTokens == 1024)
        #expect(c.reservationTimeoutSeconds == 600)
        #expect(c.cache == CacheConfiguration(enabled: true, ttlSeconds: 30, maxEntries: 10, maxBytes: 4096))
    }

    @Test func emptyConfigurationHasDefaults() throws {
        let c = try decode("{}")
        #expect(c == LimitsConfiguration())
        #expect(c.currency == "USD")
        #expect(!c.cache.enabled)
        #expect(c.cache.ttlSeconds == 300)
    }

    @Test(arguments: [
        #"{"rate_limit": []}"#,
        #"{"cache": {"enabled": true, "ttl": 5}}"#,
        #"{"rate_limits": [{"scope": "principal", "rpm": 5}]}"#,
        #"{"rate_limits": [{"scope": "user", "requests_per_minute": 5}]}"#,
        #"{"rate_limits": [{"scope": "principal"}]}"#,
        #"{"rate_limits": [{"scope": "principal", "requests_per_minute": 0}]}"#,
        #"{"rate_limits": [{"scope": "principal", "match": "", "requests_per_minute": 1}]}"#,
        #"{"budgets": [{"scope": "model", "daily": 5}]}"#,
        #"{"budgets": [{"scope": "principal"}]}"#,
        #"{"budgets": [{"scope": "principal", "daily": -1}]}"#,
        #"{"budgets": [{"scope": "principal", "daily": 5, "weekly": 5}]}"#,
        #"{"currency": "dollars"}"#,
        #"{"max_keys": 0}"#,
        #"{"cache": {"max_bytes": -1}}"#,
    ])
    func invalidConfigurationIsRefused(_ json: String) {
        #expect(throws: DecodingError.self) { try decode(json) }
    }

    @Test func unknownKeyErrorNamesTheKey() {
        do {
            _ = try decode(#"{"cache": {"enabled": true, "ttl": 5}}"#)
            Issue.record("decoded")
        } catch let DecodingError.dataCorrupted(ctx) {
            #expect(ctx.codingPath.map(\.stringValue) == ["cache", "ttl"])
            #expect(ctx.debugDescription.contains("ttl_seconds"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rulesBuiltInCodeAreValidatedToo() {
        #expect(throws: LimitsConfigurationError.self) { try RateLimitRule(scope: .group) }
        #expect(throws: LimitsConfigurationError.self) { try RateLimitRule(scope: .group, requestsPerMinute: -3) }
        #expect(throws: LimitsConfigurationError.self) { try BudgetRule(scope: .tenant) }
        #expect(throws: LimitsConfigurationError.self) { try BudgetRule(scope: .tenant, daily: .nan) }
    }
}
