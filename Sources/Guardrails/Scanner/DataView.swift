/// The text the data rules read: the original with what hides a value from an ASCII pattern undone —
/// zero-width and other invisible characters removed, Unicode spaces and dashes made ASCII, fullwidth,
/// mathematical and other-script letters and digits folded (`DataFolding`) — plus an `OffsetMap` back to
/// the original bytes. (Line breaks are left alone: a card or IBAN wrapped across lines is matched by
/// those rules' patterns, which accept one break, so address lines never merge into one number.)
///
/// Built incrementally, so the same code serves a whole text (block scans) and a streamed answer. ASCII
/// input takes the fast path: bytes are copied in one piece, no folding work.
struct DataView {
    /// View bytes from `base` on.
    private(set) var bytes: [UInt8] = []
    /// Absolute view offset of `bytes[0]` (the stream side drops released bytes).
    private(set) var base = 0
    private(set) var map = OffsetMap()
    /// True once any scalar was changed or removed; until then the view is the original.
    private(set) var changed = false

    init() {}

    /// True when `raw` needs no folding at all: it is ASCII.
    static func isPlain(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time: any byte with its top bit set is not ASCII.
        var i = 0
        let n = raw.count
        if let base = raw.baseAddress {
            let raw8 = UnsafeRawPointer(base)
            while i + 8 <= n {
                if raw8.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
        }
        while i < n {
            if raw[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Appends original bytes (whole UTF-8 scalars).
    mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
        var i = 0
        var plainStart = 0
        while i < raw.count {
            if raw[i] < 0x80 {
                i += 1
                continue
            }
            if i > plainStart {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[plainStart..<i]))
                map.appendIdentity(count: i - plainStart)
            }
            let (scalar, length) = Self.decode(raw, at: i)
            switch DataFolding.fold(scalar) {
            case .remove?:
                changed = true
                map.appendUnit(viewLength: 0, rawLength: length)
            case .ascii(let a)?:
                changed = true
                bytes.append(a)
                map.appendUnit(viewLength: 1, rawLength: length)
            case .asciiBytes(let folded)?:
                changed = true
                bytes.append(contentsOf: folded)
                map.appendUnit(viewLength: folded.count, rawLength: length)
            case nil:
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<(i + length)]))
                map.appendIdentity(count: length)
            }
            i += length
            plainStart = i
        }
        if raw.count > plainStart {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[plainStart..<raw.count]))
            map.appendIdentity(count: raw.count - plainStart)
        }
    }

    /// Appends original bytes without folding (for scanners that read the text as it is).
    mutating func appendVerbatim(_ raw: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: raw)
        map.appendIdentity(count: raw.count)
    }

    /// Drops view bytes before absolute offset `offset` (already released, no longer needed as context).
    mutating func drop(before offset: Int) {
        let n = offset - base
        guard n > 0 else { return }
        bytes.removeFirst(n)
        base = offset
        map.dropPieces(before: offset)
    }

    /// Absolute view offset after the last final byte.
    var end: Int { base + bytes.count }

    /// Decodes the UTF-8 scalar at `i` (input is valid UTF-8: it comes from a Swift `String`).
    @inline(__always)
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(raw[i])
        if b0 < 0xE0 { return (((b0 & 0x1F) << 6) | (UInt32(raw[i + 1]) & 0x3F), 2) }
        if b0 < 0xF0 {
            return (((b0 & 0x0F) << 12) | ((UInt32(raw[i + 1]) & 0x3F) << 6) | (UInt32(raw[i + 2]) & 0x3F), 3)
        }
        return (
            ((b0 & 0x07) << 18) | ((UInt32(raw[i + 1]) & 0x3F) << 12) | ((UInt32(raw[i + 2]) & 0x3F) << 6)
                | (UInt32(raw[i + 3]) & 0x3F), 4
        )
    }
}
