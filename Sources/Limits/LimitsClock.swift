#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Wall-clock time for rate limits, budget periods and cache expiry, as nanoseconds since
/// 1970-01-01T00:00:00Z. Injected so tests control time exactly.
public protocol LimitsClock: Sendable {
    func now() -> Int64
}

/// The real UTC clock (`CLOCK_REALTIME`).
public struct SystemClock: LimitsClock {
    public init() {}

    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}

/// A clock that only moves when told to; for tests and replays.
public final class ManualClock: LimitsClock {
    private let nanoseconds: Atomic<Int64>

    /// Starts at `secondsSinceEpoch` (UTC).
    public init(secondsSinceEpoch: Double = 1_767_225_600) {  // 2026-01-01T00:00:00Z
        nanoseconds = Atomic(Int64(secondsSinceEpoch * 1e9))
    }

    public func now() -> Int64 { nanoseconds.load(ordering: .acquiring) }

    public func advance(seconds: Double) {
        nanoseconds.wrappingAdd(Int64((seconds * 1e9).rounded()), ordering: .acquiringAndReleasing)
    }

    public func advance(nanoseconds delta: Int64) {
        nanoseconds.wrappingAdd(delta, ordering: .acquiringAndReleasing)
    }

    public func set(secondsSinceEpoch: Double) {
        nanoseconds.store(Int64((secondsSinceEpoch * 1e9).rounded()), ordering: .releasing)
    }
}
