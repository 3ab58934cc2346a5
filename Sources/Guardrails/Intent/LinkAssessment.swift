/// Looks at one URL found in a response: its host (checked against the allow-list) and whether it
/// carries data — a query string, a fragment with content, or a path segment or subdomain label that
/// reads as data: an identifier mixing letters and digits (`S8812345Z`), a run of digits, base64 (case
/// and digit changes: `c2VjcmV0LWtleQ`), hex, percent-encoding, `=`/`@`, or an echoed pseudonym
/// placeholder (`[EMAIL_1]`). Plain words with dashes and ordinary file names (`logo.png`,
/// `IMG_2024.jpg`) are not data. Hand-written: Foundation's URL parser allocates and rejects many
/// partial URLs seen in streamed text.
struct LinkAssessment: Sendable {
    let host: Substring
    let carriesData: Bool

    /// `text` holds the URL somewhere (the matched rule span); nil when there is no http(s) URL.
    init?(in text: Substring) {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        let end = rest.firstIndex(where: { $0 == " " || $0 == ")" || $0 == ">" || $0 == "\"" || $0 == "'" || $0 == "\n" })
            ?? rest.endIndex
        let url = rest[..<end]
        let authorityEnd = url.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        var authority = url[..<authorityEnd]
        var data = false
        if let at = authority.lastIndex(of: "@") {
            data = true  // credentials or data before the host
            authority = authority[authority.index(after: at)...]
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        host = authority
        let tail = url[authorityEnd...]
        if !data, let q = tail.firstIndex(of: "?") {
            data = tail[tail.index(after: q)...].count >= 3
        }
        if !data, let h = tail.firstIndex(of: "#") {
            data = tail.distance(from: h, to: tail.endIndex) > 12
        }
        if !data {
            // Subdomain labels (all but the registrable name and its suffix).
            let labels = authority.split(separator: ".")
            for label in labels.dropLast(2) where Self.readsAsData(label, isFileName: false) {
                data = true
                break
            }
        }
        if !data {
            let segments = tail.prefix { $0 != "?" && $0 != "#" }.split(separator: "/")
            for (i, segment) in segments.enumerated() {
                let last = i == segments.count - 1
                if Self.readsAsData(segment, isFileName: last) {
                    data = true
                    break
                }
            }
        }
        carriesData = data
    }

    /// Whether a path segment or host label reads as data rather than a word or a file name.
    static func readsAsData(_ part: Substring, isFileName: Bool) -> Bool {
        var stem = part
        if isFileName, let dot = part.lastIndex(of: "."), part.distance(from: dot, to: part.endIndex) <= 6 {
            stem = part[..<dot]
        }
        if stem.contains("%") || stem.contains("=") || stem.contains("@") { return true }
        if stem.hasPrefix("["), stem.hasSuffix("]"), stem.count >= 5 { return true }  // a pseudonym placeholder
        var upper = 0, lower = 0, digits = 0, hex = 0, switches = 0, letterDigitSwitches = 0
        var previous: UInt8 = 0  // 1 upper, 2 lower, 3 digit
        for c in stem.utf8 {
            let kind: UInt8
            switch c {
            case 0x41...0x5A: upper += 1; kind = 1
            case 0x61...0x7A: lower += 1; kind = 2
            case 0x30...0x39: digits += 1; kind = 3
            default: kind = 0
            }
            if (0x30...0x39).contains(c) || (0x61...0x66).contains(c) || (0x41...0x46).contains(c) { hex += 1 }
            if kind != 0, previous != 0, kind != previous {
                switches += 1
                if kind == 3 || previous == 3 { letterDigitSwitches += 1 }
            }
            if kind != 0 { previous = kind }
        }
        let n = stem.utf8.count
        // base64-looking: mixed case and digits, changing often (not `Screenshot2024`).
        if n >= 10, upper > 0, lower > 0, switches >= 4 { return true }
        if n >= 16, hex == n { return true }
        if n >= 40, !stem.contains("-") { return true }
        if isFileName { return false }
        // An identifier: letters and at least two digits interleaved (`S8812345Z`, `u123x45`), or a long number.
        if n >= 6, digits >= 2, upper + lower > 0, letterDigitSwitches >= 2 { return true }
        if digits >= 8, digits == n { return true }
        return false
    }

    /// Exact host, or `*.example.com` for the domain and all its subdomains.
    static func isAllowed(_ host: Substring, allowList: [String]) -> Bool {
        let h = host.lowercased()
        for entry in allowList {
            let e = entry.lowercased()
            if e.hasPrefix("*.") {
                let base = e.dropFirst(2)
                if h == base || h.hasSuffix("." + base) { return true }
            } else if h == e {
                return true
            }
        }
        return false
    }
}
