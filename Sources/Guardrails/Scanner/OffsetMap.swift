/// Where each byte of a normalised view (`DataView`) came from in the original text, so matches found
/// in the view are reported, redacted and released at their ORIGINAL byte offsets.
///
/// Pieces in view order: an identity piece maps view bytes one to one onto original bytes; a unit
/// piece maps a few view bytes onto a few original bytes as a whole (`Ｓ` → `S`, NBSP → space). Original
/// bytes that produced nothing (zero-width characters) lie between pieces. Offsets are absolute stream
/// offsets, so one map serves a whole streamed answer (old pieces are dropped as the answer is released).
struct OffsetMap: Sendable {
    struct Piece: Sendable {
        var view: Int
        var raw: Int
        var viewLength: Int
        var rawLength: Int
        var identity: Bool
        var viewEnd: Int { view + viewLength }
    }

    private(set) var pieces: [Piece] = []
    /// Original bytes consumed so far (including removed ones after the last piece).
    private(set) var rawEnd = 0
    private(set) var viewEnd = 0

    init() {}

    /// The next `count` view bytes are copies of the next `count` original bytes.
    mutating func appendIdentity(count: Int) {
        guard count > 0 else { return }
        if let last = pieces.last, last.identity, last.viewEnd == viewEnd, last.raw + last.rawLength == rawEnd {
            pieces[pieces.count - 1].viewLength += count
            pieces[pieces.count - 1].rawLength += count
        } else {
            pieces.append(Piece(view: viewEnd, raw: rawEnd, viewLength: count, rawLength: count, identity: true))
        }
        viewEnd += count
        rawEnd += count
    }

    /// The next `viewLength` view bytes stand for the next `rawLength` original bytes as a whole.
    mutating func appendUnit(viewLength: Int, rawLength: Int) {
        if viewLength > 0 {
            pieces.append(Piece(view: viewEnd, raw: rawEnd, viewLength: viewLength, rawLength: rawLength, identity: false))
        }
        viewEnd += viewLength
        rawEnd += rawLength
    }

    /// The original offset where view byte `v` begins (`viewEnd` maps to `rawEnd`).
    func rawStart(ofView v: Int) -> Int {
        guard v < viewEnd, let k = pieceIndex(containing: v) else { return rawEnd }
        let p = pieces[k]
        return p.identity ? p.raw + (v - p.view) : p.raw
    }

    /// The original offset right after view byte `v - 1` (exclusive end of a span ending at `v`).
    func rawEnd(ofView v: Int) -> Int {
        guard v > 0, let k = pieceIndex(containing: v - 1) else { return rawStart(ofView: v) }
        let p = pieces[k]
        return p.identity ? p.raw + (v - p.view) : p.raw + p.rawLength
    }

    private func pieceIndex(containing v: Int) -> Int? {
        var low = 0, high = pieces.count
        while low < high {
            let mid = (low + high) / 2
            if pieces[mid].viewEnd <= v { low = mid + 1 } else { high = mid }
        }
        return low < pieces.count && pieces[low].view <= v ? low : nil
    }

    /// Forgets pieces that end before view offset `v` (released and no longer needed as context).
    mutating func dropPieces(before v: Int) {
        var k = 0
        while k < pieces.count - 1, pieces[k].viewEnd <= v { k += 1 }
        if k > 0 { pieces.removeFirst(k) }
    }
}
