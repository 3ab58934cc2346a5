import Core

/// Canonical bytes of a request body for exact-match caching: object keys sorted, no
/// whitespace, integral numbers written as integers, strings escaped one way. Written by hand because
/// Foundation's encoder has no canonical mode for `JSONValue` and costs more than the cache lookup itself.
enum CanonicalJSON {
    /// Top-level fields that do not change the answer: transport (`stream`, `stream_options`) and the
    /// caller's end-user tag (`user`; scoping by identity is done by `CacheScope`).
    static let ignoredFields: Set<String> = ["stream", "stream_options", "user"]

    static func requestBytes(_ body: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        if case .object(let o) = body {
            write(object: o, skipping: ignoredFields, into: &out)
        } else {
            write(body, into: &out)
        }
        return out
    }

    /// Appends, after a NUL (which canonical JSON never contains), the obligations that change what is
    /// forwarded or how the answer is inspected.
    static func appendObligations(_ o: Obligations, to out: inout [UInt8]) {
        func list(_ set: Set<String>?) {
            guard let set else { return out.append(contentsOf: "null".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, e) in (set.count < 2 ? Array(set) : set.sorted()).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(string: e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(0)
        out.append(contentsOf: #"{"allowed_tools":"#.utf8)
        list(o.allowedTools)
        out.append(contentsOf: #","guardrail_profile":"#.utf8)
        if let g = o.guardrailProfile { write(string: g, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","max_tokens":"#.utf8)
        out.append(contentsOf: (o.maxTokens.map(String.init) ?? "null").utf8)
        out.append(contentsOf: #","pseudonymise":"#.utf8)
        list(o.pseudonymise)
        out.append(contentsOf: #","redact":"#.utf8)
        list(o.redact)
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ v: JSONValue, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .number(let d):
            if d.isFinite, d.rounded() == d, abs(d) < 9.0e15 {
                out.append(contentsOf: String(Int64(d)).utf8)
            } else {
                out.append(contentsOf: d.description.utf8)
            }
        case .string(let s): write(string: s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o): write(object: o, into: &out)
        }
    }

    static func write(object o: [String: JSONValue], skipping: Set<String> = [], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var keys = Array(o.keys)
        if !skipping.isEmpty { keys.removeAll { skipping.contains($0) } }
        // String `<` orders by the scalars of the NFC form (byte order for ASCII): a total, deterministic
        // order for any set of keys, which is all a cache key needs.
        keys.sort()
        for (i, k) in keys.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            write(string: k, into: &out)
            out.append(UInt8(ascii: ":"))
            write(o[k]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(string s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Copy unescaped runs in one go; escape `"`, `\` and control characters.
            var run = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                run = i + 1
                if b < 0x20 {
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]])
                } else {
                    out.append(contentsOf: [UInt8(ascii: "\\"), b])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
