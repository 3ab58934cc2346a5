/// Looks at one URL found in a response: its host (checked against the allow-list) and whether it
/// carries data (a query string, a long or encoded-looking path segment, a fragment with content).
/// Hand-written: Foundation's URL parser allocates and rejects many partial URLs seen in streamed text.
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
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        host = authority
        let tail = url[authorityEnd...]
        var data = false
        if let q = tail.firstIndex(of: "?") {
            let query = tail[tail.index(after: q)...]
            data = query.count >= 3
        }
        if !data, let h = tail.firstIndex(of: "#") {
            data = tail.distance(from: h, to: tail.endIndex) > 12
        }
        if !data {
            let path = tail.prefix { $0 != "?" && $0 != "#" }
            for segment in path.split(separator: "/") where segment.count >= 24 {
                // Long segments read as data when encoded (base64-like mixed case and digits, hex,
                // percent-encoding), not when they are words with dashes.
                var upper = false, lower = false, digits = 0, hex = 0, separators = 0
                for c in segment.unicodeScalars {
                    switch c.value {
                    case 0x41...0x5A: upper = true
                    case 0x61...0x7A: lower = true
                    case 0x30...0x39: digits += 1
                    case 0x2D, 0x5F, 0x2E: separators += 1
                    default: break
                    }
                    if c.properties.isASCIIHexDigit { hex += 1 }
                }
                if segment.contains("%") || (upper && lower && digits >= 2) || hex >= 32
                    || (separators == 0 && segment.count >= 40)
                {
                    data = true
                    break
                }
            }
        }
        carriesData = data
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
