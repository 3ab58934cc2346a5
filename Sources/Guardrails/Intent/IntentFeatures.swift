/// Hashed features of a detection view, exactly as `training/intent/features.py` computes them (format
/// version 2): lowercase, ASCII whitespace runs collapsed to one space, padded with a space each side;
/// texts over `maxBytes` keep their first and last `maxBytes / 2` bytes. Byte 3/4/5-grams from one FNV-1a
/// seed in one pass (the 4-gram continues the 3-gram's hash), word unigrams (FNV-1a) and bigrams (the two
/// unigram hashes mixed); bucket = low bits, sign = bit 31. Each feature belongs to the 128-byte
/// block of its first byte, so the classifier can score windows. Written by hand: the hash must match the
/// training script bit for bit.
enum IntentFeatures {
    static let ngramSeed: UInt32 = 3
    static let unigramSeed: UInt32 = 21
    static let bigramSeed: UInt32 = 22
    static let offset: UInt32 = 0x811C9DC5
    static let prime: UInt32 = 0x0100_0193
    static let blockShift = 7
    static var blockSize: Int { 1 << blockShift }

    @inline(__always) static func start(_ seed: UInt32) -> UInt32 { (offset ^ seed) &* prime }
    @inline(__always) static func mix(_ h: UInt32, _ b: UInt8) -> UInt32 { (h ^ UInt32(b)) &* prime }
    @inline(__always) static func mix32(_ h: UInt32, _ v: UInt32) -> UInt32 { (h ^ v) &* prime }

    /// Calls `body` with the feature bytes of `view` (see type comment). ASCII views are lowercased
    /// straight into a temporary buffer (no String copy); others go through `lowercased()`.
    static func withFeatureBytes<R>(
        _ view: String, maxBytes: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        var copy = view
        return copy.withUTF8 { src -> R in
            var mask: UInt8 = 0
            for b in src { mask |= b }
            if mask < 0x80 {
                return collapse(src, lowercase: true, maxBytes: maxBytes, body)
            }
            var lowered = view.lowercased()
            return lowered.withUTF8 { collapse($0, lowercase: false, maxBytes: maxBytes, body) }
        }
    }

    private static func collapse<R>(
        _ src: UnsafeBufferPointer<UInt8>, lowercase: Bool, maxBytes: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: src.count + 2) { out -> R in
            var n = 0
            out[n] = 0x20
            n += 1
            var pendingSpace = false
            for var b in src {
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                    pendingSpace = n > 1
                    continue
                }
                if pendingSpace {
                    out[n] = 0x20
                    n += 1
                    pendingSpace = false
                }
                if lowercase, b >= 0x41, b <= 0x5A { b |= 0x20 }
                out[n] = b
                n += 1
            }
            out[n] = 0x20
            n += 1
            if n > maxBytes {
                // Head and tail: move the last maxBytes/2 bytes next to the first maxBytes/2.
                let half = maxBytes / 2
                for k in 0..<half { out[half + k] = out[n - half + k] }
                n = 2 * half
            }
            return body(UnsafeBufferPointer(rebasing: out[0..<n]))
        }
    }

    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b >= 0x80
    }

    /// Calls `visit(hash, block)` for every feature of `bytes` in `range` (by first byte); returns how many.
    @inline(__always)
    static func forEachHash(
        _ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>? = nil, _ visit: (UInt32, Int) -> Void
    ) -> Int {
        let n = bytes.count
        let lo = range?.lowerBound ?? 0
        let hi = min(range?.upperBound ?? n, n)
        var count = 0
        let s = start(ngramSeed)
        var i = lo
        while i < hi, i + 3 <= n {
            var h = mix(mix(mix(s, bytes[i]), bytes[i &+ 1]), bytes[i &+ 2])
            let block = i &>> blockShift
            visit(h, block)
            count &+= 1
            if i &+ 4 <= n {
                h = mix(h, bytes[i &+ 3])
                visit(h, block)
                count &+= 1
                if i &+ 5 <= n {
                    visit(mix(h, bytes[i &+ 4]), block)
                    count &+= 1
                }
            }
            i &+= 1
        }
        // Words: maximal runs of token bytes; the bigram mixes the previous word's hash with this one's.
        // A word that starts before `lo` is skipped, but its hash still feeds the next bigram.
        var j = 0
        var previous: UInt32? = nil
        let unigram = start(unigramSeed)
        let bigram = start(bigramSeed)
        while j < hi {
            guard isTokenByte(bytes[j]) else { j &+= 1; continue }
            let first = j
            var h = unigram
            while j < n, isTokenByte(bytes[j]) { h = mix(h, bytes[j]); j &+= 1 }
            if first >= lo {
                let block = first &>> blockShift
                visit(h, block)
                count &+= 1
                if let p = previous {
                    visit(mix32(mix32(bigram, p), h), block)
                    count &+= 1
                }
            }
            previous = h
        }
        return count
    }
}
