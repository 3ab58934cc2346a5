#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shape tests for candidate values: placeholders, randomness, neighbouring characters.
enum TokenShape {
    /// Markers of documentation and template values (`xxxx`, `<YOUR_KEY>`, `AKIAIOSFODNN7EXAMPLE`, `${TOKEN}`).
    static let placeholderMarkers = [
        "xxxx", "****", "....", "<", ">", "${", "{{", "example", "your", "placeholder", "dummy",
        "sample", "redacted", "insert", "replace", "changeme", "change_me", "fake", "test1234", "123456789",
        "abcdef", "secret_here", "key_here", "token_here", "here...", "goes_here", "todo", "foobar",
    ]

    /// True for values that only stand in for a real credential.
    static func isPlaceholder(_ value: Substring) -> Bool {
        if containsMarker(value) || DocumentationKeys.contains(value) { return true }
        return hasLongRun(value, length: 6) || isSequential(value)
    }

    /// Markers by their first (lower-case) byte, so one pass over a value tests them all.
    private static let markersByFirstByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for m in placeholderMarkers {
            let bytes = Array(m.utf8)
            table[Int(bytes[0])].append(bytes)
        }
        return table
    }()

    /// True when a placeholder marker occurs in `value` (ASCII case-insensitive).
    static func containsMarker(_ value: Substring) -> Bool {
        let search = { (h: UnsafeBufferPointer<UInt8>) -> Bool in
            for i in 0..<h.count {
                let candidates = markersByFirstByte[Int(CandidateResolver.lower(h[i]))]
                guard !candidates.isEmpty else { continue }
                for marker in candidates where marker.count <= h.count - i {
                    var k = 1
                    while k < marker.count, CandidateResolver.lower(h[i + k]) == marker[k] { k += 1 }
                    if k == marker.count { return true }
                }
            }
            return false
        }
        if let found = value.utf8.withContiguousStorageIfAvailable(search) { return found }
        return Array(value.utf8).withUnsafeBufferPointer(search)
    }

    /// Six or more identical characters in a row (`AAAAAA`, `000000`).
    static func hasLongRun(_ value: Substring, length: Int) -> Bool {
        var run = 1
        var previous: UInt8 = 0
        for b in value.utf8 {
            run = b == previous ? run + 1 : 1
            if run >= length { return true }
            previous = b
        }
        return false
    }

    /// Mostly ascending characters (`0123456789`, `abcdefgh`).
    static func isSequential(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 8 else { return false }
        var ascending = 0
        for i in 1..<bytes.count where bytes[i] == bytes[i - 1] &+ 1 { ascending += 1 }
        return Double(ascending) / Double(bytes.count - 1) > 0.6
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ value: Substring) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        var n = 0
        for b in value.utf8 {
            counts[Int(b)] += 1
            n += 1
        }
        guard n > 0 else { return 0 }
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / Double(n)
            h -= p * log2(p)
        }
        return h
    }

    /// Number of character classes present: lower, upper, digit, other.
    static func classCount(_ value: Substring) -> Int {
        var lower = false, upper = false, digit = false, other = false
        for b in value.utf8 {
            switch b {
            case 0x61...0x7A: lower = true
            case 0x41...0x5A: upper = true
            case 0x30...0x39: digit = true
            default: other = true
            }
        }
        return [lower, upper, digit, other].filter { $0 }.count
    }

    /// Random-looking: long enough, varied, not a placeholder.
    static func looksRandom(_ value: Substring, minLength: Int = 16, minEntropy: Double = 3.0) -> Bool {
        value.utf8.count >= minLength && entropy(value) >= minEntropy && !isPlaceholder(value)
            && classCount(value) >= 2
    }

    /// The character right before / after `match` inside `context` (a slice of the same string).
    static func before(_ match: Substring, in context: Substring) -> Character? {
        match.startIndex > context.startIndex ? context[context.index(before: match.startIndex)] : nil
    }

    static func after(_ match: Substring, in context: Substring) -> Character? {
        match.endIndex < context.endIndex ? context[match.endIndex] : nil
    }

    /// Two characters after the match (to see `.5` after `1.2.3.4`).
    static func afterTwo(_ match: Substring, in context: Substring) -> Substring {
        context[match.endIndex...].prefix(2)
    }
}
