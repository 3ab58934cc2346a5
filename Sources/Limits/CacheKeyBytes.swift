import Core

/// The bytes a cache key compares: the request body in canonical JSON (Support's `CanonicalJSON`, the one
/// rule of the package: members by UTF-8 bytes, doubles in shortest round-trip form, so `2.0` and `2` are
/// different requests) without the fields that do not change the answer, then the obligations that shape
/// what is forwarded and how the answer is inspected.
enum CacheKeyBytes {
    /// Top-level fields that do not change the answer: transport (`stream`, `stream_options`) and the
    /// caller's end-user tag (`user`; scoping by identity is done by `CachePartition`).
    static let ignoredFields: Set<String> = ["stream", "stream_options", "user"]

    static func request(_ body: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        if case .object(let o) = body {
            CanonicalJSON.write(members: o, skipping: ignoredFields, into: &out)
        } else {
            body.write(into: &out)
        }
        return out
    }

    /// Appends, after a NUL (which canonical JSON never contains), the obligations that change what is
    /// forwarded or how the answer is inspected.
    static func appendObligations(_ o: Obligations, to out: inout [UInt8]) {
        func list(_ set: Set<String>?) {
            guard let set else { return out.append(contentsOf: "null".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, e) in set.sorted(by: CanonicalJSON.precedes).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(0)
        out.append(contentsOf: #"{"allowed_tools":"#.utf8)
        list(o.allowedTools)
        out.append(contentsOf: #","guardrail_profile":"#.utf8)
        if let g = o.guardrailProfile { CanonicalJSON.writeString(g.name, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","max_tokens":"#.utf8)
        if let m = o.maxTokens { CanonicalJSON.writeInteger(m, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","pseudonymise":"#.utf8)
        list(o.pseudonymise)
        out.append(contentsOf: #","redact":"#.utf8)
        list(o.redact)
        out.append(UInt8(ascii: "}"))
    }
}
