import Foundation

/// What the classifier says about one text.
public struct IntentScores: Sendable, Hashable {
    /// Probabilities over benign / injection / jailbreak / harmful (sum to 1).
    public var injection: Double
    public var jailbreak: Double
    public var harmful: Double
    /// The most likely harmful kind (`weapons`, `malware`, `self_harm`, `hate`, `sexual_minors`, `fraud`,
    /// `other`) and its probability among kinds.
    public var harmfulKind: String
    public var harmfulKindProbability: Double
    /// Injection + jailbreak: the score compared against the per-role attack threshold.
    public var attack: Double { injection + jailbreak }
}

/// Logistic regression over hashed character n-grams and words (weights from `IntentWeights`).
/// One pass over at most `maxBytes` bytes, no per-request allocation besides the feature byte buffer.
public struct IntentClassifier: Sendable {
    public let weights: IntentWeights
    private let main: (benign: Int, injection: Int, jailbreak: Int, harmful: Int)
    private let kinds: [(name: String, index: Int)]

    public init(weights: IntentWeights = .builtin) throws {
        guard let b = weights.index(of: "benign"), let i = weights.index(of: "injection"),
            let j = weights.index(of: "jailbreak"), let h = weights.index(of: "harmful")
        else { throw IntentError.weights("intent weights lack the benign/injection/jailbreak/harmful outputs") }
        self.weights = weights
        self.main = (b, i, j, h)
        self.kinds = weights.classNames.enumerated().compactMap { index, name in
            name.hasPrefix("kind.") ? (String(name.dropFirst(5)), index) : nil
        }
    }

    /// Raw outputs (logits) for a detection view, in `weights.classNames` order.
    public func logits(_ view: String) -> [Float] {
        let classes = weights.classCount
        // int8 weights summed in Int32 (exact), scaled once at the end.
        var acc = [Int32](repeating: 0, count: classes)
        let bytes = IntentFeatures.featureBytes(view, maxBytes: weights.maxBytes)
        let mask = UInt32(weights.dimension - 1)
        let count: Int
        if let rows = weights.rows16 {
            // One 16-byte load per feature; the sign bit picks add or subtract.
            var sum = SIMD16<Int32>()
            count = rows.withUnsafeBytes { w in
                bytes.withUnsafeBufferPointer { buf in
                    IntentFeatures.forEachHash(buf) { h in
                        let row = SIMD16<Int32>(
                            truncatingIfNeeded: w.loadUnaligned(fromByteOffset: Int(h & mask) &<< 4, as: SIMD16<Int8>.self))
                        if h & 0x8000_0000 == 0 { sum &+= row } else { sum &-= row }
                    }
                }
            }
            for c in 0..<classes { acc[c] = sum[c] }
        } else {
            count = weights.weights.withUnsafeBufferPointer { w in
                acc.withUnsafeMutableBufferPointer { a in
                    bytes.withUnsafeBufferPointer { buf in
                        IntentFeatures.forEachHash(buf) { h in
                            let row = Int(h & mask) &* classes
                            if h & 0x8000_0000 == 0 {
                                for c in 0..<classes { a[c] &+= Int32(w[row &+ c]) }
                            } else {
                                for c in 0..<classes { a[c] &-= Int32(w[row &+ c]) }
                            }
                        }
                    }
                }
            }
        }
        let norm = count > 0 ? 1 / Float(count).squareRoot() : 0
        var logits = [Float](repeating: 0, count: classes)
        for c in 0..<classes { logits[c] = Float(acc[c]) * weights.scales[c] * norm + weights.biases[c] }
        return logits
    }

    /// Probabilities for a detection view.
    public func scores(_ view: String) -> IntentScores {
        let z = logits(view)
        let p = softmax([z[main.benign], z[main.injection], z[main.jailbreak], z[main.harmful]])
        var kindName = "other"
        var kindP = 0.0
        if !kinds.isEmpty {
            let pk = softmax(kinds.map { z[$0.index] })
            if let best = pk.indices.max(by: { pk[$0] < pk[$1] }) {
                kindName = kinds[best].name
                kindP = pk[best]
            }
        }
        return IntentScores(
            injection: p[1], jailbreak: p[2], harmful: p[3], harmfulKind: kindName, harmfulKindProbability: kindP)
    }

    private func softmax(_ z: [Float]) -> [Double] {
        let m = z.max() ?? 0
        let e = z.map { Double(($0 - m)).exp }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}

extension Double {
    fileprivate var exp: Double { Foundation.exp(self) }
}
