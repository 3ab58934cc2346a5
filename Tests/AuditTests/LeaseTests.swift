import Foundation
import Testing

@testable import Audit

/// `claimLease` on the SQLite store: one holder at a time, renewal by the holder, hand-over on expiry.
@Suite struct LeaseTests {
    @Test func oneHolderWinsRenewsAndTheOtherTakesOverOnlyAfterExpiry() async throws {
        let store = try SQLiteAuditStore(path: scratchDirectory() + "/audit.sqlite")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await store.claimLease("stream.siem", holder: "a", seconds: 30, now: t0))
        #expect(!(try await store.claimLease("stream.siem", holder: "b", seconds: 30, now: t0.addingTimeInterval(1))))
        // The holder renews (from t0+20 to t0+50)...
        #expect(try await store.claimLease("stream.siem", holder: "a", seconds: 30, now: t0.addingTimeInterval(20)))
        // ...so b still waits after the first term would have ended...
        #expect(!(try await store.claimLease("stream.siem", holder: "b", seconds: 30, now: t0.addingTimeInterval(40))))
        // ...and takes over once the renewed one has.
        #expect(try await store.claimLease("stream.siem", holder: "b", seconds: 30, now: t0.addingTimeInterval(50)))
        #expect(!(try await store.claimLease("stream.siem", holder: "a", seconds: 30, now: t0.addingTimeInterval(51))))
        // Leases are independent by name.
        #expect(try await store.claimLease("stream.other", holder: "a", seconds: 30, now: t0.addingTimeInterval(51)))
        try await store.close()
    }

    @Test func concurrentClaimsHaveExactlyOneWinner() async throws {
        let path = scratchDirectory() + "/audit.sqlite"
        let first = try SQLiteAuditStore(path: path)
        let second = try SQLiteAuditStore(path: path)  // another process on the same file
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                let store = i % 2 == 0 ? first : second
                group.addTask { try await store.claimLease("stream.siem", holder: "holder-\(i)", seconds: 30) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        try await first.close()
        try await second.close()
    }

    @Test func theProtocolMethodUsesTheClock() async throws {
        let store = try SQLiteAuditStore(path: scratchDirectory() + "/audit.sqlite")
        #expect(try await store.claimLease("stream.siem", holder: "a", seconds: 0))
        // Zero seconds: expired at once, free for anyone.
        #expect(try await store.claimLease("stream.siem", holder: "b", seconds: 60))
        #expect(!(try await store.claimLease("stream.siem", holder: "a", seconds: 60)))
        try await store.close()
    }
}
