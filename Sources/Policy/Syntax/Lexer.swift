/// A position in policy source text, 1-based, columns counted in Unicode scalars.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "\(line):\(column)" }
}

/// A syntax error with its location; `description` reads `line:col: message`.
public struct PolicyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): \(message)" }
}

enum TokenKind: Sendable, Hashable {
    case identifier(String)
    /// Raw text between the quotes, escapes not yet processed (patterns and strings unescape differently).
    case string(String)
    case integer(String)
    case punct(String)
    case slot(String)
    case end
}

struct Token: Sendable {
    var kind: TokenKind
    var location: SourceLocation
}

/// Splits Cedar policy text into tokens. Comments (`// ...`) and whitespace are skipped.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokenize(_ text: String) throws(PolicyParseError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if case .end = token.kind { return tokens }
        }
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipTrivia() {
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = current, d != "\n" { advance() }
            } else {
                return
            }
        }
    }

    static func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    static func isIdentContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentStart(c) || ("0"..."9").contains(c)
    }

    private mutating func next() throws(PolicyParseError) -> Token {
        skipTrivia()
        let start = SourceLocation(line: line, column: column)
        guard let c = current else { return Token(kind: .end, location: start) }
        if Self.isIdentStart(c) {
            var text = String.UnicodeScalarView()
            while let d = current, Self.isIdentContinue(d) {
                text.append(d)
                advance()
            }
            return Token(kind: .identifier(String(text)), location: start)
        }
        if ("0"..."9").contains(c) {
            var text = ""
            while let d = current, ("0"..."9").contains(d) {
                text.unicodeScalars.append(d)
                advance()
            }
            return Token(kind: .integer(text), location: start)
        }
        if c == "\"" {
            advance()
            var raw = String.UnicodeScalarView()
            while true {
                guard let d = current else {
                    throw PolicyParseError(location: start, message: "unterminated string literal")
                }
                if d == "\"" {
                    advance()
                    break
                }
                if d == "\\" {
                    raw.append(d)
                    advance()
                    guard let e = current else { continue }
                    raw.append(e)
                    advance()
                    continue
                }
                raw.append(d)
                advance()
            }
            return Token(kind: .string(String(raw)), location: start)
        }
        if c == "?" {
            advance()
            var name = ""
            while let d = current, Self.isIdentContinue(d) {
                name.unicodeScalars.append(d)
                advance()
            }
            return Token(kind: .slot(name), location: start)
        }
        let two: String? = peek(1).map { String(Character(c)) + String(Character($0)) }
        if let two, ["==", "!=", "<=", ">=", "&&", "||", "::"].contains(two) {
            advance()
            advance()
            return Token(kind: .punct(two), location: start)
        }
        let singles: Set<Unicode.Scalar> = ["(", ")", "{", "}", "[", "]", ",", ";", ".", ":", "@", "<", ">", "!", "-", "+", "*"]
        if singles.contains(c) {
            advance()
            return Token(kind: .punct(String(Character(c))), location: start)
        }
        throw PolicyParseError(location: start, message: "unexpected character '\(Character(c))'")
    }
}
