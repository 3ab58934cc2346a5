import CVectorscan

/// One Vectorscan stream over a streamed response: a match split across chunks is still found, with
/// offsets counted in bytes from the start of the stream. One per response; not shared between tasks.
final class ScanStream {
    private let database: VectorscanDatabase
    private var stream: OpaquePointer?
    private let sink = HitSink()

    init(database: VectorscanDatabase) throws {
        self.database = database
        var opened: OpaquePointer?
        guard hs_open_stream(database.database, 0, &opened) == HS_SUCCESS, let opened else {
            throw ScannerError.runtime("cannot open stream")
        }
        stream = opened
    }

    deinit {
        if let stream { hs_close_stream(stream, nil, nil, nil) }
    }

    /// Scans the next chunk; returns the hits whose end lies in it (or earlier, for end-of-data checks),
    /// or nil when Vectorscan failed (the caller fails closed).
    func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> [RawHit]? {
        guard let stream else { return nil }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        sink.hits.removeAll(keepingCapacity: true)
        let status = database.withScratch { scratch in
            let context = Unmanaged.passUnretained(sink).toOpaque()
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                hs_scan_stream(stream, chars, UInt32(bytes.count), 0, scratch, collectHit, context)
            }
        }
        return status == HS_SUCCESS ? sink.hits : nil
    }

    /// Ends the stream; returns hits that needed end-of-data, or nil when Vectorscan failed.
    func close() -> [RawHit]? {
        guard let stream else { return nil }
        sink.hits.removeAll(keepingCapacity: true)
        let status = database.withScratch { scratch in
            let context = Unmanaged.passUnretained(sink).toOpaque()
            return hs_close_stream(stream, scratch, collectHit, context)
        }
        self.stream = nil
        return status == HS_SUCCESS ? sink.hits : nil
    }
}
