import Support

/// Finds content hidden in encodings — base64 runs, hex runs (`69676e6f7265`, `\x69\x67`, `%69%67`),
/// rot13 clauses, letters spaced out (`i g n o r e`, `i.g.n.o.r.e`) — decodes it and appends the
/// readable result to the view, so signatures and the classifier see what the model would see. Written
/// by hand: spans must be found inside arbitrary text, which Foundation's whole-string decoders do not
/// do. The decoded output is bounded by the input's own size (base64 and hex shrink when decoded), so
/// decoy spans cannot use up a budget and let a later payload through.
enum EncodedSpans {
    static let maxSpans = Int.max
    static let minDecodedBudget = 32 * 1024
    static let minBase64Run = 20
    static let minHexBytes = 8

    static func appendDecoded(
        to view: inout ViewBuilder, foldedScalars: Int, evasions: inout NormalisedText.Evasions
    ) {
        let src = view.bytes
        var found: [(text: String, origin: Range<Int32>, kind: NormalisedText.Evasions)] = []
        var budget = max(minDecodedBudget, src.count)
        var i = 0
        var scalar = 0  // view scalar index of src[i]
        func origin(_ s0: Int, _ s1: Int) -> Range<Int32> {
            let a = view.origin(s0).lowerBound
            return a..<max(a, view.origin(s1 - 1).upperBound)
        }
        while i < src.count, found.count < maxSpans, budget > 0 {
            let b = src[i]
            guard isBase64Byte(b) || b == 0x5C || b == 0x25 else {
                i += 1
                if b < 0x80 || b >= 0xC0 { scalar += 1 }
                continue
            }
            var j = i
            while j < src.count, isBase64Byte(src[j]) { j += 1 }
            let candidate = (j - i >= minBase64Run) || hexValue(b) != nil || b == 0x5C || b == 0x25
            if candidate, let (len, decoded) = hexRun(src, at: i) ?? base64Run(src, at: i) {
                // Runs are ASCII, so bytes and scalars advance together.
                let part = TextNormaliser.normalise(String(decoding: decoded.bytes, as: UTF8.self), depth: 1)
                found.append((part.text, origin(scalar, scalar + len), decoded.kind))
                budget -= decoded.bytes.count
                i += len
                scalar += len
                continue
            }
            // Skip the rest of a token we could not decode, so a run is only tried from its start.
            let next = max(j, i + 1)
            scalar += next - i
            i = next
        }
        for part in found {
            evasions.insert(part.kind)
            view.appendDecoded(part.text, origin: part.origin)
        }
        if Rot13.looksEncoded(src[...]) {
            evasions.insert(.rot13)
            view.appendTransformedCopy(scalars: foldedScalars, Rot13.map)
        } else {
            for clause in Rot13.encodedClauses(src) {
                evasions.insert(.rot13)
                view.appendTransformed(bytes: clause.bytes, firstScalar: clause.firstScalar, Rot13.map)
            }
        }
        for run in SpacedLetters.runs(src) {
            evasions.insert(.spacing)
            view.appendDecoded(run.text, origin: origin(run.scalars.lowerBound, run.scalars.upperBound))
        }
    }

    static func isBase64Byte(_ b: UInt8) -> Bool {
        PendingWord.isWordByte(b) && b != 0x24 || b == 0x2B || b == 0x2F || b == 0x2D || b == 0x5F
    }

    /// Decoded bytes count as hidden text when nearly all are printable and some are letters.
    static func isReadable(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= minHexBytes else { return false }
        var printable = 0
        var letters = 0
        for b in bytes {
            if (b >= 0x20 && b < 0x7F) || b == 0x0A || b == 0x09 || b >= 0x80 { printable += 1 }
            if PendingWord.isLetter(b) { letters += 1 }
        }
        return printable * 10 >= bytes.count * 9 && letters * 2 >= bytes.count
    }

    private static func base64Run(
        _ src: [UInt8], at start: Int
    ) -> (Int, (bytes: [UInt8], kind: NormalisedText.Evasions))? {
        if start > 0, isBase64Byte(src[start - 1]) { return nil }
        var j = start
        var upper = false
        var lower = false
        var digitOrSign = false
        while j < src.count, isBase64Byte(src[j]) {
            let b = src[j]
            if b >= 0x41 && b <= 0x5A { upper = true } else if b >= 0x61 && b <= 0x7A { lower = true } else { digitOrSign = true }
            j += 1
        }
        let body = j - start
        while j < src.count, src[j] == 0x3D, j - start - body < 2 { j += 1 }
        guard body >= minBase64Run, upper, lower, digitOrSign || body >= 28 else { return nil }
        guard let bytes = Base64Span.decode(src[start..<(start + body)]), isReadable(bytes) else { return nil }
        return (j - start, (bytes, .base64))
    }

    private static func hexValue(_ b: UInt8) -> UInt8? { Hex.value(of: b) }

    /// Hex pairs, optionally each prefixed by `\x`, `0x` or `%`, optionally separated by single spaces.
    private static func hexRun(
        _ src: [UInt8], at start: Int
    ) -> (Int, (bytes: [UInt8], kind: NormalisedText.Evasions))? {
        if start > 0, isBase64Byte(src[start - 1]) { return nil }
        let b = src[start]
        guard hexValue(b) != nil || b == 0x5C || b == 0x25 else { return nil }
        var none: [UInt8]? = nil
        let (end, pairs, digits) = hexScan(src, from: start, into: &none)
        guard pairs >= minHexBytes, digits, end >= src.count || !isBase64Byte(src[end]) else { return nil }
        var out: [UInt8]? = []
        out!.reserveCapacity(pairs)
        _ = hexScan(src, from: start, into: &out)
        guard let bytes = out, isReadable(bytes) else { return nil }
        return (end - start, (bytes, .hex))
    }

    private static func hexScan(_ src: [UInt8], from start: Int, into out: inout [UInt8]?) -> (Int, Int, Bool) {
        var j = start
        var end = start
        var pairs = 0
        var digits = false
        while j < src.count {
            var k = j
            if k + 1 < src.count, src[k] == 0x5C, src[k + 1] | 0x20 == 0x78 {
                k += 2
            } else if k + 3 < src.count, src[k] == 0x30, src[k + 1] | 0x20 == 0x78, hexValue(src[k + 2]) != nil,
                hexValue(src[k + 3]) != nil
            {
                k += 2
            } else if src[k] == 0x25 {
                k += 1
            }
            guard k + 1 < src.count, let hi = hexValue(src[k]), let lo = hexValue(src[k + 1]) else { break }
            if src[k] <= 0x39 || src[k + 1] <= 0x39 { digits = true }
            out?.append(hi << 4 | lo)
            pairs += 1
            k += 2
            end = k
            if k + 1 < src.count, src[k] == 0x20, src[k + 1] != 0x20 { k += 1 }
            j = k
        }
        return (end, pairs, digits)
    }
}
