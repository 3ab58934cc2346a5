enum PatternElement: Sendable, Hashable {
    case literal(String)
    case wildcard
}

/// A compiled `like` pattern: scalars and `*` wildcards, matched over Unicode scalars.
struct Pattern: Sendable, Hashable {
    private let scalars: [Unicode.Scalar]
    private let isStar: [Bool]

    init(_ parts: [PatternElement]) {
        var scalars: [Unicode.Scalar] = []
        var isStar: [Bool] = []
        for part in parts {
            switch part {
            case .literal(let s):
                scalars.append(contentsOf: s.unicodeScalars)
                isStar.append(contentsOf: repeatElement(false, count: s.unicodeScalars.count))
            case .wildcard:
                scalars.append("*")
                isStar.append(true)
            }
        }
        self.scalars = scalars
        self.isStar = isStar
    }

    /// Glob match with single-star backtracking: O(n·m) worst case, linear for typical patterns.
    func matches(_ text: String) -> Bool {
        var ti = text.unicodeScalars.startIndex
        let end = text.unicodeScalars.endIndex
        let t = text.unicodeScalars
        var pi = 0
        var starP = -1
        var starT = ti
        while ti < end {
            if pi < scalars.count && !isStar[pi] && scalars[pi] == t[ti] {
                ti = t.index(after: ti)
                pi += 1
            } else if pi < scalars.count && isStar[pi] {
                starP = pi
                starT = ti
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT = t.index(after: starT)
                ti = starT
            } else {
                return false
            }
        }
        while pi < scalars.count && isStar[pi] { pi += 1 }
        return pi == scalars.count
    }
}
