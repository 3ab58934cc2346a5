import Core
import Testing
@testable import Policy

@Suite("Values, entities and Cedar JSON")
struct ValueTests {
    @Test func setsAreUnorderedAndUnique() {
        let a = CedarSet([.long(1), .string("x"), .long(1)])
        let b = CedarSet([.string("x"), .long(1)])
        #expect(a.count == 2)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != CedarSet([.long(1)]))
        let big = CedarSet((0..<100).map { Value.long(Int64($0 % 50)) })
        #expect(big.count == 50 && big.contains(.long(49)) && !big.contains(.long(50)))
    }

    @Test func recordsIgnoreFieldOrder() {
        let a = CedarRecord(fields: [("a", .long(1)), ("b", .bool(true))])
        let b = CedarRecord(fields: [("b", .bool(true)), ("a", .long(1))])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != CedarRecord(fields: [("a", .long(1))]))
        #expect(CedarRecord(fields: [("a", .long(1)), ("a", .long(2))])["a"] == .long(2))
    }

    @Test func hierarchyIsClosedTransitivelyEvenWithCycles() throws {
        func uid(_ id: String) -> EntityUID { EntityUID(type: "Group", id: id) }
        let store = try EntityStore([
            Entity(uid: uid("a"), parents: [uid("b")]), Entity(uid: uid("b"), parents: [uid("c")]),
            Entity(uid: uid("c"), parents: [uid("a"), uid("d")]), Entity(uid: uid("d")),
        ])
        #expect(Set(store.ancestors(of: uid("a"))) == [uid("b"), uid("c"), uid("d")])
        #expect(Set(store.ancestors(of: uid("d"))) == [])
        let added = store.adding([Entity(uid: EntityUID(type: "User", id: "u"), parents: [uid("b")])])
        #expect(Set(added.ancestors(of: EntityUID(type: "User", id: "u"))) == [uid("a"), uid("b"), uid("c"), uid("d")])
        #expect(throws: EntityError.self) { try EntityStore([Entity(uid: uid("a")), Entity(uid: uid("a"))]) }
    }

    @Test func cedarJSONValues() throws {
        let json: JSONValue = [
            "e": ["__entity": ["type": "Ns::T", "id": "x"]], "ip": ["__extn": ["fn": "ip", "arg": "10.0.0.0/8"]],
            "d": ["__extn": ["fn": "decimal", "arg": "1.5"]], "r": ["type": "T", "id": "x"], "s": [1, 1, "a"],
        ]
        guard case .record(let r) = try CedarJSON.value(json) else { return #expect(Bool(false)) }
        #expect(r["e"] == .entity(EntityUID(type: "Ns::T", id: "x")))
        #expect(r["ip"] == .ipaddr(try IPAddress.parse("10.0.0.0/8").get()))
        #expect(r["d"] == .decimal(try CedarDecimal.parse("1.5").get()))
        // Without a schema a bare {type, id} is a record, as in the reference.
        #expect(r["r"] == .record(["type": .string("T"), "id": .string("x")]))
        #expect(r["s"] == .set([.long(1), .string("a")]))
        for bad: JSONValue in [.null, 1.5, ["__extn": ["fn": "ipaddr", "arg": "1.2.3.4"]], ["__extn": ["fn": "ip", "arg": "x"]]] {
            #expect(throws: EntityError.self) { try CedarJSON.value(bad) }
        }
        #expect(try CedarJSON.entityUID("A::B::\"q\\\"x\"") == EntityUID(type: "A::B", id: "q\"x"))
        #expect(throws: EntityError.self) { try CedarJSON.entityUID("User::\"x\" extra") }
    }

    @Test(arguments: [
        ("10.0.0.1", true), ("10.0.0.0/8", true), ("::", true), ("1::", true), ("::1:2", true), ("1:2:3:4:5:6:7:8", true),
        ("ABCD::ef", true), ("1.2.3.4/0", true), ("1.2.3.04", false), ("256.1.1.1", false), ("1.2.3", false),
        ("1::2::3", false), ("1:2:3:4:5:6:7:8:9", false), (":1::", false), ("12345::", false), ("1.2.3.4/08", false),
        ("1.2.3.4/+8", false), ("1.2.3.4/", false), ("::ffff:1.2.3.4", false), ("fe80::1%eth0", false), ("", false),
    ])
    func ipForms(text: String, valid: Bool) {
        let parsed = IPAddress.parse(text)
        if case .success = parsed { #expect(valid, "\(text)") } else { #expect(!valid, "\(text)") }
    }

    @Test func decimalForms() throws {
        #expect(try CedarDecimal.parse("-922337203685477.5808").get().scaled == Int64.min)
        #expect(try CedarDecimal.parse("1.5").get() == CedarDecimal.parse("1.5000").get())
        #expect(try CedarDecimal.parse("-0.0001").get().description == "-0.0001")
        for bad in ["1", ".5", "1.", "+1.0", "1.23456", "922337203685477.5808", "1e3"] {
            if case .success = CedarDecimal.parse(bad) { Issue.record("accepted \(bad)") }
        }
    }

    @Test func nestingIsBounded() {
        let deep = "permit(principal, action, resource) when { " + String(repeating: "(", count: 300) + "true"
            + String(repeating: ")", count: 300) + " };"
        #expect(Fixtures.parseError(deep)?.message.contains("nested more than") == true)
    }
}
