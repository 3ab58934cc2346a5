import Core

/// The text transformations of Signature Version 4, each as botocore performs it (the reference the
/// signer is tested against): URL splitting, path normalisation, percent-encoding, header-value
/// trimming (the `x-amz-date` stamp is `AWSTimestamp`).
enum SigV4Encoding {
    /// The parts of an absolute URL `scheme://[userinfo@]host[:port]/path?query#fragment` that signing
    /// uses, as Python's `urlsplit` yields them (host lower-cased, port separate, fragment dropped).
    struct URLParts: Equatable {
        var scheme: String
        var host: String
        var port: Int?
        var path: Substring
        var query: Substring
    }

    static func split(_ url: String) -> URLParts {
        var rest = Substring(url)
        var scheme = ""
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port: Int?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = Int(authority[authority.index(after: colon)...])
        }
        let queryStart = rest.firstIndex(of: "?")
        let path = queryStart.map { rest[..<$0] } ?? rest
        let query = queryStart.map { rest[rest.index(after: $0)...] } ?? ""
        return URLParts(scheme: scheme, host: host.lowercased(), port: port, path: path, query: query)
    }

    /// The `host` header value: the host, with the port unless it is the scheme's default.
    static func hostHeader(_ parts: URLParts) -> String {
        guard let port = parts.port else { return parts.host }
        let defaultPort = parts.scheme == "http" ? 80 : parts.scheme == "https" ? 443 : nil
        return port == defaultPort ? parts.host : "\(parts.host):\(port)"
    }

    /// RFC 3986 dot-segment removal, with empty segments (consecutive slashes) dropped as AWS requires;
    /// an empty path is `/` (botocore `normalize_url_path`).
    static func normalizePath(_ path: Substring) -> String {
        guard let first = path.first else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let leading = first == "/" ? "/" : ""
        let trailing = path.last == "/" && !output.isEmpty ? "/" : ""
        return leading + output.joined(separator: "/") + trailing
    }

    /// Percent-encodes the UTF-8 bytes of `text` except unreserved characters (`A-Z a-z 0-9 - _ . ~`)
    /// and the bytes of `extraSafe`; upper-case hex, as Python's `quote` (`PercentEncoding`).
    static func percentEncode(_ text: some StringProtocol, extraSafe: StaticString = "") -> String {
        PercentEncoding.encode(text, keeping: extraSafe)
    }

    /// The canonical URI: the (already encoded) path normalised, then encoded again with `/` kept.
    static func canonicalURI(_ path: Substring) -> String {
        percentEncode(normalizePath(path), extraSafe: "/")
    }

    /// The canonical query: the URL's `key=value` pairs as sent (no re-encoding), sorted by key then
    /// value in code-point order, a pair without `=` getting an empty value (botocore
    /// `_canonical_query_string_url`).
    static func canonicalQuery(_ query: Substring) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(key: Substring, value: Substring)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            if let eq = pair.firstIndex(of: "=") {
                pairs.append((pair[..<eq], pair[pair.index(after: eq)...]))
            } else {
                pairs.append((pair, ""))
            }
        }
        pairs.sort { a, b in
            if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
            return a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
        }
        return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// A header value with leading and trailing whitespace removed and inner runs collapsed to one
    /// space (Python's `' '.join(value.split())`, whose whitespace includes the Unicode spaces).
    static func trimAll(_ value: String) -> String {
        value.unicodeScalars.split(whereSeparator: isPythonSpace).map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }

    private static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default: false
        }
    }
}
