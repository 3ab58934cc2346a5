/// Escaping and unescaping of Cedar string literals (Rust-style escapes).
enum CedarString {
    /// The canonical escaped form, as the reference renders ids (Rust's `escape_debug`): quotes,
    /// backslash and `\t \r \n \0` escaped; non-printable scalars and combining marks as `\u{..}`.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if isPrintable(u) {
                    out.unicodeScalars.append(u)
                } else {
                    out += "\\u{\(String(u.value, radix: 16))}"
                }
            }
        }
        return out
    }

    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        if u == " " { return true }
        if u.properties.isGraphemeExtend { return false }
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// Unescapes the raw text of a literal. With `pattern`, `\*` becomes a literal star (marked by
    /// returning `.literal("*")`) while a bare `*` is a wildcard.
    static func unescape(_ raw: String, pattern: Bool) -> Result<[PatternElement], EscapeError> {
        var out: [PatternElement] = []
        var scalars = raw.unicodeScalars.makeIterator()
        var text = String.UnicodeScalarView()
        func flush() {
            if !text.isEmpty {
                out.append(.literal(String(text)))
                text = String.UnicodeScalarView()
            }
        }
        while let c = scalars.next() {
            if c == "*" && pattern {
                flush()
                out.append(.wildcard)
                continue
            }
            guard c == "\\" else {
                text.append(c)
                continue
            }
            guard let e = scalars.next() else { return .failure(EscapeError(text: "\\")) }
            switch e {
            case "n": text.append("\n")
            case "r": text.append("\r")
            case "t": text.append("\t")
            case "0": text.append("\0")
            case "\\": text.append("\\")
            case "'": text.append("'")
            case "\"": text.append("\"")
            case "*" where pattern: text.append("*")
            case "x":
                guard let h = scalars.next(), let l = scalars.next(),
                    let v = UInt32(String([Character(h), Character(l)]), radix: 16), v <= 0x7f,
                    let u = Unicode.Scalar(v)
                else { return .failure(EscapeError(text: "\\x")) }
                // Escapes are processed before wildcards: an escaped-by-code `*` is still a wildcard.
                if u == "*" && pattern {
                    flush()
                    out.append(.wildcard)
                } else {
                    text.append(u)
                }
            case "u":
                guard scalars.next() == "{" else { return .failure(EscapeError(text: "\\u")) }
                var hex = ""
                var closed = false
                while let h = scalars.next() {
                    if h == "}" {
                        closed = true
                        break
                    }
                    hex.unicodeScalars.append(h)
                }
                guard closed, (1...6).contains(hex.count), let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v)
                else { return .failure(EscapeError(text: "\\u{\(hex)}")) }
                if u == "*" && pattern {
                    flush()
                    out.append(.wildcard)
                } else {
                    text.append(u)
                }
            default:
                return .failure(EscapeError(text: "\\" + String(Character(e))))
            }
        }
        flush()
        return .success(out)
    }

    static func unescapeString(_ raw: String) -> Result<String, EscapeError> {
        unescape(raw, pattern: false).map { parts in
            parts.reduce(into: "") { acc, p in if case .literal(let s) = p { acc += s } }
        }
    }
}

struct EscapeError: Error {
    var text: String
}
