import Core

/// Amounts of money as integer nanos of the configured currency (1e-9), so reservations add and compare
/// exactly: ten reservations of 0.1 fit a budget of 1.0, never nine. What a call costs is Core's
/// `TokenPrice` (shared with the audit record).
enum Money {
    static func nanos(_ amount: Double) -> Int64 {
        Int64((amount * 1e9).rounded())
    }

    static func amount(_ nanos: Int64) -> Double {
        Double(nanos) / 1e9
    }
}

/// The price of one model.
struct ModelPrice: Sendable, Hashable {
    let price: TokenPrice

    init(_ model: ModelDescriptor) {
        price = TokenPrice(model)
    }

    func cost(_ usage: TokenUsage) -> Int64 { price.costNanos(usage) }
}
