import Support
import Synchronization

/// Anthropic prompt caching, imitated: the prefixes (model + text up to the last `cache_control` mark)
/// the mock has answered, so the usage of a request reads like the real API's. The first request with a
/// prefix writes it (`cache_creation_input_tokens` = the prefix's tokens), later ones read it
/// (`cache_read_input_tokens`); `input_tokens` is what follows the prefix. The three add up to the
/// prompt tokens (what `count_tokens` answers). Nothing expires except by eviction (least recently used,
/// beyond `capacity` prefixes) or `DELETE /mock/cache`.
final class AnthropicPromptCache: Sendable {
    /// A cacheable prefix of one request.
    struct Prefix: Sendable, Equatable {
        /// FNV-1a 64 of the model and the prefix text.
        let key: UInt64
        /// Tokens of the prefix, counted as prompt tokens are (⌈scalars / 4⌉).
        let tokens: Int
    }

    /// The input side of an answer's `usage`.
    struct InputUsage: Sendable, Equatable {
        var input: Int
        var cacheCreation = 0
        var cacheRead = 0
    }

    private let seen: Mutex<BoundedLRU<UInt64, Bool>>

    init(capacity: Int = 10_000) {
        seen = Mutex(BoundedLRU(capacity: capacity))
    }

    /// Splits `promptTokens` into uncached input, cache write and cache read, and remembers the prefix.
    func inputUsage(promptTokens: Int, prefix: Prefix?) -> InputUsage {
        guard let prefix else { return InputUsage(input: promptTokens) }
        let cached = min(prefix.tokens, promptTokens)
        let known = seen.withLock { lru in
            if lru.get(prefix.key) != nil { return true }
            lru.set(prefix.key, true)
            return false
        }
        return known
            ? InputUsage(input: promptTokens - cached, cacheRead: cached)
            : InputUsage(input: promptTokens - cached, cacheCreation: cached)
    }

    /// Forgets every prefix: the next request with any prefix writes it again.
    func clear() {
        seen.withLock { $0 = BoundedLRU(capacity: $0.capacity) }
    }
}
