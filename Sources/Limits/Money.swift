import Core

/// Amounts of money as integer nanos of the configured currency (1e-9), so reservations add and compare
/// exactly: ten reservations of 0.1 fit a budget of 1.0, never nine. Prices are kept as picos per token
/// (price per million tokens × 10⁶), exact for prices with up to six decimals per million tokens.
enum Money {
    static func nanos(_ amount: Double) -> Int64 {
        Int64((amount * 1e9).rounded())
    }

    static func amount(_ nanos: Int64) -> Double {
        Double(nanos) / 1e9
    }

    static func picosPerToken(_ pricePerMillion: Double) -> Int64 {
        guard pricePerMillion.isFinite, pricePerMillion > 0 else { return 0 }
        return Int64((pricePerMillion * 1e6).rounded())
    }

    /// The cost of a call in nanos, rounded up.
    static func cost(inputTokens: Int, outputTokens: Int, inputPicos: Int64, outputPicos: Int64) -> Int64 {
        let a = times(max(0, inputTokens), inputPicos)
        let b = times(max(0, outputTokens), outputPicos)
        let picos = a.addingSaturating(b)
        return picos / 1000 + (picos % 1000 == 0 ? 0 : 1)
    }

    private static func times(_ tokens: Int, _ picos: Int64) -> Int64 {
        let (p, o) = Int64(tokens).multipliedReportingOverflow(by: picos)
        return o ? Int64.max / 2 : p
    }
}

/// The price of one model, in picos per token.
struct ModelPrice: Sendable, Hashable {
    var input: Int64
    var output: Int64

    init(_ model: ModelDescriptor) {
        input = Money.picosPerToken(model.inputPricePerMillion)
        output = Money.picosPerToken(model.outputPricePerMillion)
    }

    func cost(_ usage: TokenUsage) -> Int64 {
        Money.cost(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, inputPicos: input, outputPicos: output)
    }
}
