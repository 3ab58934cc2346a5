/// Letters spaced out to break words apart: `i g n o r e   a l l`, `i.g.n.o.r.e`, `I-G-N-O-R-E`. A run is
/// single letters (or digits) each followed by one separator byte (space, `.`, `-`, `_`, `*`, `|`, `/`);
/// a longer gap (two or more spaces, or ` / `) separates words. Runs with at least 6 letters are
/// returned collapsed (`ignore all`) with their view scalar range. Written by hand: nothing in Foundation
/// does this; one pass over ASCII bytes, no allocation unless a run is found.
enum SpacedLetters {
    static let minLetters = 6

    static func runs(_ bytes: [UInt8]) -> [(text: String, scalars: Range<Int>)] {
        var out: [(text: String, scalars: Range<Int>)] = []
        let n = bytes.count
        var i = 0
        var scalar = 0
        @inline(__always) func isAlnum(_ b: UInt8) -> Bool {
            (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39)
        }
        @inline(__always) func isSeparator(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x2E || b == 0x2D || b == 0x5F || b == 0x2A || b == 0x7C || b == 0x2F
        }
        while i < n {
            // A run starts at a lone letter: no letter before it, a separator and a letter after it.
            guard isAlnum(bytes[i]), i == 0 || !isAlnum(bytes[i - 1]), i + 2 < n, isSeparator(bytes[i + 1]),
                isAlnum(bytes[i + 2]), i + 3 >= n || !isAlnum(bytes[i + 3])
            else {
                if bytes[i] < 0x80 || bytes[i] >= 0xC0 { scalar += 1 }
                i += 1
                continue
            }
            var letters: [UInt8] = []
            var j = i
            let startScalar = scalar
            while j < n, isAlnum(bytes[j]), j + 1 >= n || !isAlnum(bytes[j + 1]) {
                letters.append(bytes[j] | (bytes[j] >= 0x41 && bytes[j] <= 0x5A ? 0x20 : 0))
                j += 1
                // One separator continues the word; a wider gap (or ` / `) starts a new word.
                var k = j
                while k < n, isSeparator(bytes[k]), k - j < 4 { k += 1 }
                guard k > j, k < n, isAlnum(bytes[k]), k + 1 >= n || !isAlnum(bytes[k + 1]) else { break }
                if k - j > 1 { letters.append(0x20) }
                j = k
            }
            let count = letters.reduce(0) { $0 + ($1 == 0x20 ? 0 : 1) }
            if count >= minLetters {
                out.append((String(decoding: letters, as: UTF8.self), startScalar..<(startScalar + (j - i))))
            }
            scalar = startScalar + (j - i)
            i = j
        }
        return out
    }
}
