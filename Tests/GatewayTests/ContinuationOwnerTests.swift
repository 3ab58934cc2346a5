import Core
import Testing

@testable import Gateway

/// Provider-stored state (a Responses id, an MCP requestState) is continued only by the caller that created it:
/// the same user and the same services acting for them.
@Suite struct ContinuationOwnerTests {
    static func alice(via actors: [String]) -> Principal {
        var p = Principal(issuer: "https://idp", subject: "alice", kind: .user)
        p.actors = actors.map { Principal.Actor(issuer: "https://idp", subject: $0, source: .workload) }
        return p
    }

    @Test func stateBelongsToTheUserAndTheActorChain() {
        let ledger = ContinuationLedger(capacity: 10)
        ledger.note("resp_1", createdBy: Self.alice(via: ["rag-api"]))
        #expect(ledger.belongs("resp_1", to: Self.alice(via: ["rag-api"])))
        #expect(!ledger.belongs("resp_1", to: Self.alice(via: ["bot"])))
        #expect(!ledger.belongs("resp_1", to: Self.alice(via: [])))
        #expect(!ledger.belongs("resp_1", to: Self.alice(via: ["rag-api", "bot"])))
        // A subject crafted to look like a user plus a chain is another owner.
        let forged = Principal(issuer: "https://idp", subject: "alice14:https://idp#rag-api", kind: .user)
        #expect(!ledger.belongs("resp_1", to: forged))
    }
}
