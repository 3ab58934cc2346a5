import Core
import Testing
@testable import Limits

@Suite struct ResponseCacheTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    let alice = Fixture.principal("alice", tenant: "acme")
    let bob = Fixture.principal("bob", tenant: "acme")
    let body: JSONValue = [
        "model": "gpt-test", "temperature": 0,
        "messages": [["role": "user", "content": "What is the capital of France?"]],
    ]
    let answer = CachedAnswer(payload: .complete(body: Array(#"{"choices":[{"message":{"content":"Paris"}}]}"#.utf8)),
                                usage: TokenUsage(inputTokens: 12, outputTokens: 3))

    func cache(entries: Int = 100, bytes: Int = 1 << 20, ttl: Int = 60, enabled: Bool = true) -> AnswerCache {
        AnswerCache(
            configuration: CacheConfiguration(enabled: enabled, ttlSeconds: ttl, maxEntries: entries, maxBytes: bytes),
            clock: clock)
    }

    func key(_ c: AnswerCache, _ p: Principal, _ o: Obligations = .none, body: JSONValue? = nil,
             operation: Operation = .chatCompletions, model: String = "gpt-test") -> CacheKey {
        c.key(scope: .permitted(for: p, obligations: o), model: model, operation: operation, body: body ?? self.body,
              obligations: o)
    }

    @Test func answersUnderDifferentObligationsAreNotShared() async {
        let c = cache()
        let open = Obligations(cacheScope: .tenant)
        await c.store(key(c, alice, open), answer)
        #expect(await c.lookup(key(c, bob, open)) != nil)
        for tighter in [
            Obligations(allowedTools: ["search"], cacheScope: .tenant),
            Obligations(allowedTools: [], cacheScope: .tenant),
            Obligations(guardrailProfile: "strict", cacheScope: .tenant),
            Obligations(maxTokens: 50, cacheScope: .tenant),
            Obligations(redact: ["pii"], cacheScope: .tenant),
            Obligations(pseudonymise: ["pii.email"], cacheScope: .tenant),
        ] {
            #expect(await c.lookup(key(c, bob, tighter)) == nil)
        }
        // Rate obligations do not change the answer.
        #expect(await c.lookup(key(c, bob, Obligations(cacheScope: .tenant, requestsPerMinute: 5))) != nil)
    }

    @Test func identicalRequestsOfTwoUsersNeverShareAnAnswer() async {
        let c = cache()
        #expect(await c.store(key(c, alice), answer))
        #expect(await c.lookup(key(c, alice)) == answer.withStoredAt(clock.now()))
        #expect(await c.lookup(key(c, bob)) == nil)
        // Same subject at another issuer, and the `issuer#subject` ambiguity, are different principals too.
        #expect(await c.lookup(key(c, Fixture.principal("alice", issuer: "https://other.example", tenant: "acme"))) == nil)
        #expect(await c.store(key(c, Fixture.principal("b#c", issuer: "a")), answer))
        #expect(await c.lookup(key(c, Fixture.principal("c", issuer: "a#b"))) == nil)
        #expect(c.stats.hits == 1)
        #expect(c.stats.misses == 3)
    }

    @Test func tenantAndGlobalScopesOnlyWithAnObligation() async throws {
        let c = cache()
        let tenantWide = Obligations(cacheScope: .tenant)
        #expect(await c.store(key(c, alice, tenantWide), answer))
        #expect(await c.lookup(key(c, bob, tenantWide)) != nil)
        #expect(await c.lookup(key(c, bob)) == nil)  // bob's own request, no obligation: his principal scope
        #expect(await c.lookup(key(c, Fixture.principal("eve", tenant: "evil"), tenantWide)) == nil)
        let noTenant = Fixture.principal("nomad")
        #expect(CachePartition.permitted(for: noTenant, obligations: tenantWide) == .principal(noTenant))
        #expect(CachePartition.permitted(for: alice, obligations: Obligations(cacheScope: .principal)) == .principal(alice))
        #expect(CachePartition.permitted(for: alice, obligations: Obligations(cacheScope: .tenant)).description == "tenant")

        let global = Obligations(cacheScope: .global)
        #expect(await c.store(key(c, alice, global), answer))
        #expect(await c.lookup(key(c, Fixture.principal("eve", tenant: "evil"), global)) != nil)
        #expect(await c.lookup(key(c, Fixture.principal("eve", tenant: "evil"), tenantWide)) == nil)
        // A global entry is not visible from a principal or tenant scope either.
        #expect(await c.lookup(key(c, Fixture.principal("zed"))) == nil)
    }

    @Test func keyIgnoresTransportFieldsAndFormattingButNotContent() {
        let c = cache()
        let reordered: JSONValue = [
            "messages": [["content": "What is the capital of France?", "role": "user"]],
            "temperature": 0, "model": "gpt-test", "stream": true, "user": "tag-1",
            "stream_options": ["include_usage": true],
        ]
        #expect(key(c, alice) == key(c, alice, body: reordered))
        var warmer = body
        warmer["temperature"] = 0.7
        #expect(key(c, alice) != key(c, alice, body: warmer))
        var other = body
        other["messages"] = [["role": "user", "content": "What is the capital of Spain?"]]
        #expect(key(c, alice) != key(c, alice, body: other))
        #expect(key(c, alice) != key(c, alice, operation: .responses))
        #expect(key(c, alice) != key(c, alice, model: "gpt-other"))
        // Strings that only differ in escaping-relevant characters stay distinct.
        #expect(CacheKeyBytes.request(["a": "x\"y"]) != CacheKeyBytes.request(["a": "x\\y"]))
        #expect(String(decoding: CacheKeyBytes.request(["b": 1, "a": ["q\n", 2.5, nil, true], "stream": true]), as: UTF8.self)
            == #"{"a":["q\n",2.5,null,true],"b":1}"#)
        #expect(String(decoding: CacheKeyBytes.request(["k\"": "a\"b\\c\nd é\u{1}"]), as: UTF8.self)
            == #"{"k\"":"a\"b\\c\nd é\u0001"}"#)
        // The package's one canonical form keeps a double a double: `2.0` and `2` are different requests
        // (exact match on what the caller sent; at worst a miss, never a wrong hit).
        #expect(CacheKeyBytes.request(["n": 2.0]) != CacheKeyBytes.request(["n": 2]))
    }

    @Test func entriesExpireAfterTheTTL() async {
        let c = cache(ttl: 60)
        await c.store(key(c, alice), answer)
        clock.advance(seconds: 59)
        let hit = await c.lookup(key(c, alice))
        #expect(hit?.age(now: clock.now()) == 59)
        #expect(hit.map(c.age(of:)) == 59)
        clock.advance(seconds: 1)
        #expect(await c.lookup(key(c, alice)) == nil)
        #expect(c.stats.expirations == 1)
        #expect(c.stats.entries == 0)
    }

    func numbered(_ c: AnswerCache, _ i: Int) -> CacheKey {
        key(c, alice, body: ["model": "gpt-test", "messages": [["role": "user", "content": .string("question \(i)")]]])
    }

    @Test func leastRecentlyUsedIsEvictedByCount() async {
        let c = cache(entries: 3)
        for i in 0..<3 { await c.store(numbered(c, i), answer) }
        #expect(await c.lookup(numbered(c, 0)) != nil)  // 0 is now the most recent
        await c.store(numbered(c, 3), answer)
        #expect(await c.lookup(numbered(c, 1)) == nil)
        #expect(await c.lookup(numbered(c, 0)) != nil)
        #expect(await c.lookup(numbered(c, 2)) != nil)
        #expect(await c.lookup(numbered(c, 3)) != nil)
        #expect(c.stats.entries == 3)
        #expect(c.stats.evictions == 1)
    }

    @Test func leastRecentlyUsedIsEvictedByBytes() async throws {
        let big = CachedAnswer(payload: .complete(body: [UInt8](repeating: 65, count: 1000)), usage: TokenUsage())
        let probe = cache()
        await probe.store(numbered(probe, 0), big)
        let entry = probe.stats.bytes  // what one such entry is charged (body, key and bookkeeping)
        #expect(entry > 1000 && entry < 1500)

        let limit = 3 * entry + entry / 2
        let c = cache(entries: 100, bytes: limit)
        for i in 0..<3 { #expect(await c.store(numbered(c, i), big)) }
        #expect(c.stats.entries == 3)
        #expect(c.stats.bytes == 3 * entry)
        _ = await c.lookup(numbered(c, 0))
        await c.store(numbered(c, 3), big)
        #expect(c.stats.bytes == 3 * entry)
        #expect(await c.lookup(numbered(c, 1)) == nil)
        #expect(await c.lookup(numbered(c, 0)) != nil)
        let huge = CachedAnswer(payload: .complete(body: [UInt8](repeating: 65, count: limit)), usage: TokenUsage())
        #expect(await c.store(numbered(c, 9), huge) == false)
        #expect(c.stats.entries == 3)  // a refused oversize entry evicts nothing
        #expect(await c.lookup(numbered(c, 0)) != nil)
    }

    @Test func noStoreAndNoCacheBypassTheCache() async {
        let c = cache()
        let noStore = CacheControl(header: "No-Store")
        #expect(noStore.noStore)
        #expect(await c.store(key(c, alice), answer, control: noStore) == false)
        #expect(c.stats.entries == 0)
        // What a stream relay asks before collecting events to cache: the same answer `store` gives.
        #expect(!c.accepts(noStore) && c.accepts(CacheControl()) && c.accepts(CacheControl(header: "no-cache")))
        #expect(!cache(enabled: false).accepts(CacheControl()))
        await c.store(key(c, alice), answer)
        #expect(await c.lookup(key(c, alice), control: noStore) == nil)
        #expect(await c.lookup(key(c, alice), control: CacheControl(header: "no-cache")) == nil)
        #expect(await c.lookup(key(c, alice), control: CacheControl(header: " max-age=0 ")) == nil)
        #expect(await c.lookup(key(c, alice), control: CacheControl(header: "max-age=60")) != nil)
        #expect(c.stats.bypasses == 3)
        let both = CacheControl(header: "private, no-cache,no-store")
        #expect(both.noStore && both.noCache)
        #expect(CacheControl(header: nil) == CacheControl())
    }

    @Test func streamedAnswersAreReplayedEventByEvent() async {
        let c = cache()
        let events = [#"{"choices":[{"delta":{"content":"Par"}}]}"#, #"{"choices":[{"delta":{"content":"is"}}]}"#, "[DONE]"]
        let streamed = CachedAnswer(payload: .stream(events: events.map { Array($0.utf8) }), usage: TokenUsage(inputTokens: 12, outputTokens: 2))
        var streamingBody = body
        streamingBody["stream"] = true
        await c.store(key(c, alice, body: streamingBody), streamed)
        let hit = await c.lookup(key(c, alice, body: streamingBody))
        guard case .stream(let replay)? = hit?.payload else {
            Issue.record("expected a stream payload")
            return
        }
        #expect(replay.map { String(decoding: $0, as: UTF8.self) } == events)
        #expect(hit?.contentType == "text/event-stream")
        #expect(hit?.usage.outputTokens == 2)
    }

    @Test func aDisabledCacheNeitherStoresNorAnswers() async {
        let c = cache(enabled: false)
        #expect(await c.store(key(c, alice), answer) == false)
        #expect(await c.lookup(key(c, alice)) == nil)
        #expect(c.stats.entries == 0)
    }

    @Test func shardedCacheKeepsItsBounds() async {
        let c = cache(entries: 10_000, bytes: 1 << 30)
        for i in 0..<12_000 { await c.store(numbered(c, i), answer) }
        #expect(c.stats.entries <= 10_000)
        #expect(c.stats.entries >= 9_000)
        #expect(await c.lookup(numbered(c, 11_999)) != nil)
    }
}

extension CachedAnswer {
    func withStoredAt(_ t: Int64) -> CachedAnswer {
        var c = self
        c.storedAt = t
        return c
    }
}
