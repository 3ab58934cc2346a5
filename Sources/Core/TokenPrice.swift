/// A model's prices in picos of the configured currency per token (price per million tokens × 10⁶), and
/// the one computation of what a call costs — used by the budget ledger and the audit record alike.
/// Integer arithmetic, so reservations add and compare exactly.
public struct TokenPrice: Sendable, Hashable {
    public var input: Int64
    public var output: Int64
    public var cacheWrite: Int64
    public var cacheRead: Int64

    public init(_ model: ModelDescriptor) {
        input = Self.picosPerToken(model.inputPricePerMillion)
        output = Self.picosPerToken(model.outputPricePerMillion)
        cacheWrite = Self.picosPerToken(model.cacheWritePricePerMillion)
        cacheRead = Self.picosPerToken(model.cacheReadPricePerMillion)
    }

    public static func picosPerToken(_ pricePerMillion: Double) -> Int64 {
        guard pricePerMillion.isFinite, pricePerMillion > 0 else { return 0 }
        return Int64((pricePerMillion * 1e6).rounded())
    }

    /// The cost of a call in nanos of the currency, rounded up; saturating instead of overflowing.
    public func costNanos(_ usage: TokenUsage) -> Int64 {
        let picos = Self.times(usage.inputTokens, input)
            .addingSaturating(Self.times(usage.outputTokens, output))
            .addingSaturating(Self.times(usage.cacheWriteTokens, cacheWrite))
            .addingSaturating(Self.times(usage.cacheReadTokens, cacheRead))
        return picos / 1000 + (picos % 1000 == 0 ? 0 : 1)
    }

    private static func times(_ tokens: Int, _ picos: Int64) -> Int64 {
        let (p, o) = Int64(max(0, tokens)).multipliedReportingOverflow(by: picos)
        return o ? Int64.max / 2 : p
    }
}

extension Int64 {
    public func addingSaturating(_ other: Int64) -> Int64 {
        let (r, o) = addingReportingOverflow(other)
        return o ? (other > 0 ? .max : .min) : r
    }
}
