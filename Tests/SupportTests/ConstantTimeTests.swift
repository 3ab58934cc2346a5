import Testing

@testable import Support

@Suite struct ConstantTimeTests {
    @Test func equalOnlyForTheSameBytes() {
        #expect(ConstantTime.equal("secret-key", "secret-key"))
        #expect(!ConstantTime.equal("secret-key", "secret-kez"))
        #expect(!ConstantTime.equal("secret-key", "secret-key-longer"))
        #expect(!ConstantTime.equal("", "x"))
        #expect(ConstantTime.equal("", ""))
        #expect(ConstantTime.equal([1, 2, 3] as [UInt8], ([0, 1, 2, 3] as [UInt8])[1...]))
        #expect(!ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
    }
}
