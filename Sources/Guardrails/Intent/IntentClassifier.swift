import Foundation

/// What the classifier says about one text.
public struct IntentScores: Sendable, Hashable {
    /// Probabilities over benign / injection / jailbreak / harmful (sum to 1) of the most alarming window.
    public var injection: Double
    public var jailbreak: Double
    public var harmful: Double
    /// The most likely harmful kind (`weapons`, `malware`, `self_harm`, `hate`, `fraud`, `other`) and its
    /// probability among kinds; computed only when `harmful` reaches the caller's kind threshold
    /// (`other` with probability 0 otherwise).
    public var harmfulKind: String
    public var harmfulKindProbability: Double
    /// Injection + jailbreak: the score compared against the per-role attack threshold.
    public var attack: Double { injection + jailbreak }
}

/// Logistic regression over hashed character n-grams and words (weights from `IntentWeights`).
///
/// One pass over the feature bytes sums the int8 weight rows per 128-byte block (one 32-bit load per
/// feature, no heap allocation for ASCII text). The text is scored as a whole and, when longer than
/// `windowBlocks` blocks, in every window of `windowBlocks` consecutive blocks: the attack score is the
/// maximum, so an instruction cannot hide behind kilobytes of padding. The harmful score is the whole
/// text's. Kinds are computed in a second pass, only when the text scores as harmful.
public struct IntentClassifier: Sendable {
    public let weights: IntentWeights
    /// Window length in blocks of `IntentFeatures.blockSize` bytes (256 bytes, moved 128 bytes at a time).
    public static let windowBlocks = 2

    public init(weights: IntentWeights = .builtin) throws {
        self.weights = weights
    }

    /// Raw whole-text outputs (logits) for a detection view, in `weights.classNames` order (parity check).
    public func logits(_ view: String) -> [Float] {
        let (main, kinds) = IntentFeatures.withFeatureBytes(view, maxBytes: weights.maxBytes) { buf in
            (accumulateMain(buf), accumulateKinds(buf))
        }
        let z = mainLogits(main.sum, main.count)
        let zk = kindLogits(kinds.sum, kinds.count)
        var out = [Float](repeating: 0, count: weights.classCount)
        for (k, name) in ["benign", "injection", "jailbreak", "harmful"].enumerated() {
            if let i = weights.index(of: name) { out[i] = z[k] }
        }
        for (k, name) in weights.kindNames.enumerated() {
            if let i = weights.index(of: "kind." + name) { out[i] = zk[k] }
        }
        return out
    }

    /// Probabilities for a detection view (see type comment); the kind is looked up when the harmful
    /// probability is at least `kindThreshold`.
    public func scores(_ view: String, kindThreshold: Double = 0.5) -> IntentScores {
        IntentFeatures.withFeatureBytes(view, maxBytes: weights.maxBytes) { buf in
            let blocks = max(1, (buf.count + IntentFeatures.blockSize - 1) >> IntentFeatures.blockShift)
            return withUnsafeTemporaryAllocation(of: SIMD4<Int32>.self, capacity: blocks) { sums in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: blocks) { counts in
                    sums.initialize(repeating: .zero)
                    counts.initialize(repeating: 0)
                    let mask = Int(weights.dimension - 1)
                    weights.main.withUnsafeBytes { w in
                        // Features arrive block by block (non-decreasing block index within each of the
                        // two passes), so the sum lives in a register and is stored once per block: a
                        // read-modify-write of `sums[block]` per feature would chain every feature through
                        // memory.
                        var acc = SIMD4<Int32>()
                        var count: Int32 = 0
                        var current = 0
                        _ = IntentFeatures.forEachHash(buf) { h, block in
                            if block != current {
                                sums[current] &+= acc
                                counts[current] &+= count
                                acc = .zero
                                count = 0
                                current = block
                            }
                            let row = SIMD4<Int32>(
                                truncatingIfNeeded: w.loadUnaligned(
                                    fromByteOffset: (Int(h) & mask) &<< 2, as: SIMD4<Int8>.self))
                            // Sign from bit 31 without a branch: row or -row.
                            let negative = SIMD4<Int32>(repeating: Int32(bitPattern: h) >> 31)
                            acc &+= (row ^ negative) &- negative
                            count &+= 1
                        }
                        sums[current] &+= acc
                        counts[current] &+= count
                    }
                    return decide(buf, sums: sums, counts: counts, kindThreshold: kindThreshold)
                }
            }
        }
    }

    private func decide(
        _ buf: UnsafeBufferPointer<UInt8>, sums: UnsafeMutableBufferPointer<SIMD4<Int32>>,
        counts: UnsafeMutableBufferPointer<Int32>, kindThreshold: Double
    ) -> IntentScores {
        let blocks = sums.count
        var total = SIMD4<Int32>.zero
        var n: Int32 = 0
        for b in 0..<blocks {
            total &+= sums[b]
            n &+= counts[b]
        }
        var bestAttack = probabilities(mainLogits(total, n))
        // Harmful requests are scored on the whole text only: windows would give every long benign
        // document many chances to look harmful somewhere (measured: ShareGPT false positives ×4).
        let bestHarm = bestAttack
        let harmBlocks = 0..<blocks
        let w = Self.windowBlocks
        if blocks > w {
            var window = SIMD4<Int32>.zero
            var wn: Int32 = 0
            for b in 0..<w {
                window &+= sums[b]
                wn &+= counts[b]
            }
            for first in 0...(blocks - w) {
                if first > 0 {
                    window &+= sums[first + w - 1] &- sums[first - 1]
                    wn &+= counts[first + w - 1] &- counts[first - 1]
                }
                let p = probabilities(mainLogits(window, wn))
                if p[1] + p[2] > bestAttack[1] + bestAttack[2] { bestAttack = p }
            }
        }
        var kindName = "other"
        var kindP = 0.0
        if Double(bestHarm[3]) >= kindThreshold {
            let lo = harmBlocks.lowerBound << IntentFeatures.blockShift
            let hi = harmBlocks.upperBound << IntentFeatures.blockShift
            let k = accumulateKinds(buf, in: lo..<hi)
            let pk = softmax8(kindLogits(k.sum, k.count))
            var best = 0
            for i in weights.kindNames.indices where pk[i] > pk[best] { best = i }
            kindName = weights.kindNames[best]
            kindP = Double(pk[best])
        }
        // The attack probabilities come from the most alarming window, the harmful one from the whole text.
        return IntentScores(
            injection: Double(bestAttack[1]), jailbreak: Double(bestAttack[2]), harmful: Double(bestHarm[3]),
            harmfulKind: kindName, harmfulKindProbability: kindP)
    }

    private func accumulateMain(_ buf: UnsafeBufferPointer<UInt8>) -> (sum: SIMD4<Int32>, count: Int32) {
        var sum = SIMD4<Int32>()
        let mask = Int(weights.dimension - 1)
        let count = weights.main.withUnsafeBytes { w in
            IntentFeatures.forEachHash(buf) { h, _ in
                let row = SIMD4<Int32>(
                    truncatingIfNeeded: w.loadUnaligned(fromByteOffset: (Int(h) & mask) &<< 2, as: SIMD4<Int8>.self))
                if h & 0x8000_0000 == 0 { sum &+= row } else { sum &-= row }
            }
        }
        return (sum, Int32(truncatingIfNeeded: count))
    }

    private func accumulateKinds(_ buf: UnsafeBufferPointer<UInt8>, in range: Range<Int>? = nil) -> (sum: SIMD8<Int32>, count: Int32) {
        var sum = SIMD8<Int32>()
        let mask = Int(weights.dimension - 1)
        let count = weights.kinds.withUnsafeBytes { w in
            IntentFeatures.forEachHash(buf, in: range) { h, _ in
                let row = SIMD8<Int32>(
                    truncatingIfNeeded: w.loadUnaligned(fromByteOffset: (Int(h) & mask) &<< 3, as: SIMD8<Int8>.self))
                if h & 0x8000_0000 == 0 { sum &+= row } else { sum &-= row }
            }
        }
        return (sum, Int32(truncatingIfNeeded: count))
    }

    private func mainLogits(_ acc: SIMD4<Int32>, _ n: Int32) -> SIMD4<Float> {
        let norm: Float = n > 0 ? 1 / Float(n).squareRoot() : 0
        return SIMD4<Float>(acc) * weights.mainScales * norm + weights.mainBiases
    }

    private func kindLogits(_ acc: SIMD8<Int32>, _ n: Int32) -> SIMD8<Float> {
        let norm: Float = n > 0 ? 1 / Float(n).squareRoot() : 0
        return SIMD8<Float>(acc) * weights.kindScales * norm + weights.kindBiases
    }

    private func probabilities(_ z: SIMD4<Float>) -> SIMD4<Float> {
        let m = z.max()
        var e = SIMD4<Float>()
        for i in 0..<4 { e[i] = Foundation.exp(z[i] - m) }
        return e / e.sum()
    }

    private func softmax8(_ z: SIMD8<Float>) -> SIMD8<Float> {
        let m = z.max()
        var e = SIMD8<Float>()
        for i in 0..<8 { e[i] = z[i] == -Float.infinity ? 0 : Foundation.exp(z[i] - m) }
        return e / e.sum()
    }
}
