import Core

/// Exchanged tokens, per user, actor chain and upstream, until `margin` seconds before they expire:
/// - keyed by SHA-256 of a canonical, length-prefixed string of the principal id, the actor ids (nearest first)
///   and the target's audience, resource and scope (`key`): no raw ids in the map, and no two different tuples
///   can share a key (each field is length-prefixed, absent and empty are told apart);
/// - bounded (`BoundedLRU`, least recently used dropped first), split over shards so users rarely contend;
/// - concurrent misses for one key make one exchange (single flight): the first starts it, the others await the
///   same task; a failure is handed to every waiter and never cached, so the next call tries again;
/// - a token whose lifetime is within the margin is handed to the calls waiting for it but not kept.
final class ExchangedTokenCache: Sendable {
    typealias Key = VerifiedTokenCache.Digest

    private struct Shard: Sendable {
        var tokens: BoundedLRU<Key, IssuedToken>
        var inFlight: [Key: Task<IssuedToken, any Error>] = [:]
        /// Calls that waited for another call's exchange instead of starting their own.
        var joined = 0
    }

    private let shards: Sharded<Shard>
    private let margin: Double
    private let clock: any IdentityClock

    init(capacity: Int, margin: Double, clock: any IdentityClock) {
        self.margin = margin
        self.clock = clock
        shards = Sharded(capacity: capacity, minimumPerShard: 128, maximumShards: 8) { n in Shard(tokens: BoundedLRU(capacity: capacity / n)) }
    }

    /// The key of one user's token for one upstream, as seen through one chain of actors.
    static func key(principal: String, actors: [String], target: TokenExchangeTarget) -> Key {
        var canonical = "token-exchange/1"
        func field(_ value: String?) {
            guard let value else { canonical += "|-"; return }
            canonical += "|\(value.utf8.count):" + value
        }
        field(Principal.callerKey(id: principal, actors: actors))
        field(target.audience)
        field(target.resource)
        field(target.scope)
        return VerifiedTokenCache.digest(Substring(canonical))
    }

    private static func hash(_ key: Key) -> Int { Int(truncatingIfNeeded: key.a) }

    /// The cached token for `key` while it is good for more than the margin; otherwise `fetch`'s, one fetch at a
    /// time per key.
    func token(for key: Key, fetch: @escaping @Sendable () async throws(TokenExchangeFailure) -> IssuedToken) async throws(TokenExchangeFailure) -> IssuedToken {
        enum Step: Sendable {
            case hit(IssuedToken)
            case wait(Task<IssuedToken, any Error>)
        }
        let now = clock.now()
        let step = shards.withLock(forHash: Self.hash(key)) { shard -> Step in
            if let cached = shard.tokens.get(key) {
                if now < cached.expiresAt - margin { return .hit(cached) }
                shard.tokens.remove(key)
            }
            if let running = shard.inFlight[key] {
                shard.joined += 1
                return .wait(running)
            }
            let task = Task<IssuedToken, any Error> { [self] in
                do {
                    let issued = try await fetch()
                    let at = clock.now()
                    shards.withLock(forHash: Self.hash(key)) { shard in
                        shard.inFlight[key] = nil
                        if at < issued.expiresAt - margin { shard.tokens.set(key, issued) }
                    }
                    return issued
                } catch {
                    shards.withLock(forHash: Self.hash(key)) { $0.inFlight[key] = nil }
                    throw error
                }
            }
            shard.inFlight[key] = task
            return .wait(task)
        }
        switch step {
        case .hit(let token): return token
        case .wait(let task):
            do { return try await task.value } catch let failure as TokenExchangeFailure { throw failure } catch {
                throw TokenExchangeFailure(.unreachable, "the exchange was interrupted")
            }
        }
    }

    var count: Int { shards.sum { $0.tokens.count } }
    /// How many calls joined an exchange already under way (single flight; tests).
    var joinedExchanges: Int { shards.sum { $0.joined } }
}
