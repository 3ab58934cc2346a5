/// Hashed features of a detection view, exactly as `training/intent/features.py` computes them:
/// lowercase, ASCII whitespace runs collapsed to one space, padded with a space each side, first
/// `maxBytes` UTF-8 bytes; byte 3/4/5-grams and word uni/bigrams hashed with FNV-1a 32 (per-kind seed),
/// bucket = low bits, sign = bit 31; value = Σ sign / √(feature count). Written by hand: the hash must
/// match the training script bit for bit.
enum IntentFeatures {
    static let ngramSizes = [3, 4, 5]
    static let unigramSeed: UInt32 = 21
    static let bigramSeed: UInt32 = 22
    static let offset: UInt32 = 0x811C9DC5
    static let prime: UInt32 = 0x0100_0193

    @inline(__always) static func start(_ seed: UInt32) -> UInt32 { (offset ^ seed) &* prime }
    @inline(__always) static func mix(_ h: UInt32, _ b: UInt8) -> UInt32 { (h ^ UInt32(b)) &* prime }

    /// The feature bytes of `view` (see type comment).
    static func featureBytes(_ view: String, maxBytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(view.utf8.count + 2, maxBytes))
        out.append(0x20)
        var pendingSpace = false
        func add(_ b: UInt8) -> Bool {
            if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                pendingSpace = out.count > 1
                return true
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            out.append(b)
            return out.count < maxBytes
        }
        var copy = view
        let ascii = copy.withUTF8 { buf -> Bool in
            var m: UInt8 = 0
            for b in buf { m |= b }
            guard m < 0x80 else { return false }
            // ASCII: lowercase bytewise (what `lowercased()` and Python's `lower()` do), no String copy.
            for b in buf where !add(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) { break }
            return true
        }
        if !ascii {
            for b in view.lowercased().utf8 where !add(b) { break }
        }
        if out.count < maxBytes { out.append(0x20) }
        if out.count > maxBytes { out.removeLast(out.count - maxBytes) }
        return out
    }

    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b >= 0x80
    }

    /// Calls `visit` with every feature hash of `bytes`; returns how many there were.
    @inline(__always)
    static func forEachHash(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (UInt32) -> Void) -> Int {
        var count = 0
        let n = bytes.count
        for size in ngramSizes where n >= size {
            let seedStart = start(UInt32(size))
            for i in 0...(n - size) {
                var h = seedStart
                for k in 0..<size { h = mix(h, bytes[i + k]) }
                visit(h)
                count += 1
            }
        }
        // Words: maximal runs of token bytes; bigram = previous token, a space, this token.
        var i = 0
        var previous: Range<Int>? = nil
        while i < n {
            guard isTokenByte(bytes[i]) else { i += 1; continue }
            var j = i
            var h = start(unigramSeed)
            while j < n, isTokenByte(bytes[j]) { h = mix(h, bytes[j]); j += 1 }
            visit(h)
            count += 1
            if let p = previous {
                var g = start(bigramSeed)
                for k in p { g = mix(g, bytes[k]) }
                g = mix(g, 0x20)
                for k in i..<j { g = mix(g, bytes[k]) }
                visit(g)
                count += 1
            }
            previous = i..<j
            i = j
        }
        return count
    }
}
