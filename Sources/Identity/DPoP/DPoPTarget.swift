import Core

/// The `htu` comparison of RFC 9449 §4.3: the proof's URL and the request's URL (`public_url` + request path)
/// are compared after the normalisations of RFC 3986 §6.2.2–6.2.3, and the proof's query and fragment are
/// ignored. Normalised here:
///
/// - scheme and host to lower case; a default port (80 for http, 443 for https) and an empty port removed;
/// - percent-encodings: hex digits to upper case, unreserved characters (`A–Z a–z 0–9 - . _ ~`) decoded;
/// - an empty path is `/`.
///
/// Dot segments (`/a/../b`) are deliberately **not** removed: the proof must name the path the gateway
/// routes, and collapsing segments could make a proof for one path match a request the router reads as
/// another. User information (`user@host`), other schemes and characters outside RFC 3986 make a URL
/// unusable (no match), never "close enough".
enum DPoPTarget {
    /// The normalised `public_url` without a trailing `/`, or nil when it is not an acceptable base URL
    /// (http or https with a host, no query, fragment or user information).
    static func base(_ publicURL: String) -> String? {
        guard !publicURL.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
            var normalized = normalized(Substring(publicURL))
        else { return nil }
        while normalized.utf8.last == UInt8(ascii: "/") { normalized.removeLast() }
        return normalized
    }

    /// `base` followed by the request path (without query; anything from `?` is dropped), normalised; nil when
    /// the path does not start with `/` or holds characters a URI path cannot.
    static func expected(base: String, path: String) -> String? {
        let bytes = Array(path.utf8.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
        if bytes.isEmpty { return base + "/" }
        guard bytes.first == UInt8(ascii: "/"), let normalizedPath = normalizedPath(bytes[...]) else { return nil }
        return base + normalizedPath
    }

    /// An absolute http(s) URL normalised, query and fragment dropped; nil when it is not one.
    static func normalized(_ url: Substring) -> String? {
        let all = Array(url.utf8)
        let end = all.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? all.endIndex
        let bytes = all[..<end]
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8) else {
            return nil
        }
        let scheme = String(decoding: bytes[..<colon].map(lowercased), as: UTF8.self)
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: return nil
        }
        let rest = bytes[(colon + 3)...]
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        guard let authority = normalizedAuthority(rest[..<slash], defaultPort: defaultPort),
            let path = rest[slash...].isEmpty ? "/" : normalizedPath(rest[slash...])
        else { return nil }
        return scheme + "://" + authority + path
    }

    /// `host[:port]` with the host in lower case and a default or empty port removed.
    private static func normalizedAuthority(_ authority: ArraySlice<UInt8>, defaultPort: Int) -> String? {
        let host: ArraySlice<UInt8>
        let portText: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            // IPv6 or IPvFuture literal: hex digits, ':' and '.' inside the brackets.
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[...close]
            let inner = authority[(authority.startIndex + 1)..<close]
            guard !inner.isEmpty, inner.allSatisfy({ Hex.value(of: $0) != nil || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return nil }
            let after = authority[(close + 1)...]
            if after.isEmpty { portText = nil }
            else if after.first == UInt8(ascii: ":") { portText = after.dropFirst() }
            else { return nil }
        } else {
            let colon = authority.firstIndex(of: UInt8(ascii: ":"))
            host = authority[..<(colon ?? authority.endIndex)]
            portText = colon.map { authority[($0 + 1)...] }
            guard !host.isEmpty, host.allSatisfy({ PercentEncoding.isUnreserved($0) }) else { return nil }
        }
        var port: Int?
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(String(decoding: portText, as: UTF8.self)), value <= 65_535
            else { return nil }
            port = value == defaultPort ? nil : value
        }
        return String(decoding: host.map(lowercased), as: UTF8.self) + (port.map { ":\($0)" } ?? "")
    }

    /// A path with its percent-encodings normalised; nil for a character RFC 3986 does not allow in a path.
    static func normalizedPath(_ path: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(path.count)
        var i = path.startIndex
        while i < path.endIndex {
            let c = path[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < path.endIndex, let high = Hex.value(of: path[i + 1]), let low = Hex.value(of: path[i + 2]) else {
                    return nil
                }
                let decoded = high << 4 | low
                if PercentEncoding.isUnreserved(decoded) { out.append(decoded) }
                else { out.append(contentsOf: [c, Hex.digit(high, uppercase: true), Hex.digit(low, uppercase: true)]) }
                i += 3
                continue
            }
            guard PercentEncoding.isUnreserved(c) || isPathDelimiter(c) else { return nil }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `/`, `:`, `@` and the sub-delimiters `!$&'()*+,;=`.
    private static func isPathDelimiter(_ c: UInt8) -> Bool {
        "/:@!$&'()*+,;=".utf8.contains(c)
    }



    private static func lowercased(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
}
