import CVectorscan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A raw Vectorscan hit: which pattern, and the byte span (start is 0 when the rule asked for no start).
struct RawHit: Sendable, Hashable {
    var rule: Int
    var from: Int
    var to: Int
}

/// Collects hits reported by Vectorscan. A C callback cannot capture, so the scanner passes a pointer to
/// one of these as the callback context.
final class HitSink {
    var hits: [RawHit] = []
    var base: Int = 0
}

/// The one match callback for every database: appends to the `HitSink` behind `context`.
let collectHit: match_event_handler = { id, from, to, _, context in
    guard let context else { return 0 }
    let sink = Unmanaged<HitSink>.fromOpaque(context).takeUnretainedValue()
    sink.hits.append(RawHit(rule: Int(id), from: Int(from), to: Int(to)))
    return 0
}

public enum ScannerError: Error, CustomStringConvertible, Sendable {
    case compile(rule: String, message: String)
    case runtime(String)

    public var description: String {
        switch self {
        case .compile(let rule, let message): "detector '\(rule)' does not compile: \(message)"
        case .runtime(let message): "vectorscan: \(message)"
        }
    }
}

/// A compiled Vectorscan database plus a pool of scratch spaces for it.
///
/// `@unchecked Sendable`: the database is immutable after `hs_compile_ext_multi` returns and Vectorscan
/// documents compiled databases as safe to share between threads. Scratch spaces are not shareable: each
/// one is handed out by `withScratch` under the mutex to exactly one caller and returned afterwards, so
/// no scratch is ever used by two threads at once.
final class VectorscanDatabase: @unchecked Sendable {
    let database: OpaquePointer
    private let prototype: OpaquePointer
    private let pool = Mutex<[ScratchHandle]>([])

    struct ScratchHandle: @unchecked Sendable {  // owned exclusively by whoever holds it (see above)
        let pointer: OpaquePointer
    }

    /// Compiles `patterns` (index = hit id) in `mode` (`HS_MODE_BLOCK` or streaming with SOM horizon).
    init(patterns: [(expression: String, flags: UInt32, ruleID: String)], mode: UInt32) throws {
        var db: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let cStrings = patterns.map { strdup($0.expression) }
        defer { cStrings.forEach { free($0) } }
        let flags = patterns.map(\.flags)
        let ids = (0..<patterns.count).map { UInt32($0) }
        let status = cStrings.withUnsafeBufferPointer { exprs in
            exprs.withMemoryRebound(to: UnsafePointer<CChar>?.self) { exprPtrs in
                hs_compile_ext_multi(
                    exprPtrs.baseAddress, flags, ids, nil, UInt32(patterns.count), mode, nil, &db, &compileError)
            }
        }
        guard status == HS_SUCCESS, let db else {
            let message = compileError.map { String(cString: $0.pointee.message) } ?? "error \(status)"
            let index = compileError.map { Int($0.pointee.expression) } ?? -1
            if let compileError { hs_free_compile_error(compileError) }
            throw ScannerError.compile(
                rule: patterns.indices.contains(index) ? patterns[index].ruleID : "(database)", message: message)
        }
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(db, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(db)
            throw ScannerError.runtime("cannot allocate scratch")
        }
        self.database = db
        self.prototype = scratch
    }

    deinit {
        for handle in pool.withLock({ $0 }) { hs_free_scratch(handle.pointer) }
        hs_free_scratch(prototype)
        hs_free_database(database)
    }

    /// Runs `body` with a scratch space nobody else is using; clones the prototype when the pool is empty.
    func withScratch<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        let handle: ScratchHandle = pool.withLock { $0.popLast() } ?? {
            var clone: OpaquePointer?
            guard hs_clone_scratch(prototype, &clone) == HS_SUCCESS, let clone else {
                fatalError("vectorscan: out of memory cloning scratch")
            }
            return ScratchHandle(pointer: clone)
        }()
        defer { pool.withLock { $0.append(handle) } }
        return try body(handle.pointer)
    }

    /// Block-mode scan of `bytes`; returns every hit, or nil when Vectorscan failed.
    func scanBlock(_ bytes: UnsafeBufferPointer<UInt8>) -> [RawHit]? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        let sink = HitSink()
        let status = withScratch { scratch in
            let context = Unmanaged.passUnretained(sink).toOpaque()
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                hs_scan(database, chars, UInt32(bytes.count), 0, scratch, collectHit, context)
            }
        }
        return status == HS_SUCCESS ? sink.hits : nil
    }

    /// Size of the compiled database in bytes (what a scan touches).
    var size: Int {
        var bytes = 0
        return hs_database_size(database, &bytes) == HS_SUCCESS ? bytes : 0
    }

    /// The widest match `expression` can produce, or nil when unbounded.
    static func maxWidth(of expression: String, flags: UInt32) -> Int? {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        guard hs_expression_info(expression, flags, &info, &compileError) == HS_SUCCESS, let info else {
            if let compileError { hs_free_compile_error(compileError) }
            return nil
        }
        defer { free(info) }
        let width = info.pointee.max_width
        return width == UInt32.max ? nil : Int(width)
    }
}
