import Foundation

/// Weights of the intent classifier: a fixed-size hashed feature space (`dimension` buckets) times
/// `classNames.count` outputs, int8 with a per-output scale, plus a bias per output.
///
/// Binary format (little endian), written by `training/intent/train.py`:
/// `"PCIW"`, u32 version (1), u32 dimension, u32 classes, u32 maxBytes, per class (u8 length, UTF-8 name),
/// f32 scale × classes, f32 bias × classes, i8 weight × dimension × classes (bucket-major).
public struct IntentWeights: Sendable {
    public let dimension: Int
    public let maxBytes: Int
    public let classNames: [String]
    let scales: [Float]
    let biases: [Float]
    /// `dimension × classNames.count`, bucket-major, so one hash reads one contiguous row.
    let weights: [Int8]
    /// The same rows padded to 16 bytes, for one SIMD load per feature (nil when over 16 classes).
    let rows16: [Int8]?

    public var classCount: Int { classNames.count }

    /// The weights compiled into the binary (generated `IntentWeights+Builtin.swift`).
    public static let builtin: IntentWeights = {
        guard let data = Data(base64Encoded: builtinBase64, options: .ignoreUnknownCharacters),
            let weights = try? IntentWeights(bytes: [UInt8](data))
        else { preconditionFailure("built-in intent weights are corrupt; regenerate with training/intent/train.py") }
        return weights
    }()

    /// Loads a weights file written by the training script.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntentError.weights("cannot read intent weights file \(path)")
        }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        var reader = ByteReader(bytes: bytes)
        guard Array(try reader.bytes(4)) == Array("PCIW".utf8) else { throw IntentError.weights("not an intent weights file") }
        guard try reader.u32() == 1 else { throw IntentError.weights("unsupported intent weights version") }
        let dimension = Int(try reader.u32())
        let classes = Int(try reader.u32())
        maxBytes = Int(try reader.u32())
        guard dimension > 0, dimension & (dimension - 1) == 0, (1...64).contains(classes), maxBytes > 0 else {
            throw IntentError.weights("intent weights header is invalid")
        }
        var names: [String] = []
        for _ in 0..<classes {
            let n = Int(try reader.bytes(1).first ?? 0)
            names.append(String(decoding: try reader.bytes(n), as: UTF8.self))
        }
        scales = try (0..<classes).map { _ in Float(bitPattern: try reader.u32()) }
        biases = try (0..<classes).map { _ in Float(bitPattern: try reader.u32()) }
        let raw = try reader.bytes(dimension * classes)
        guard reader.atEnd else { throw IntentError.weights("intent weights file has trailing bytes") }
        weights = raw.map { Int8(bitPattern: $0) }
        if classes <= 16 {
            var padded = [Int8](repeating: 0, count: dimension * 16)
            for b in 0..<dimension {
                for c in 0..<classes { padded[b * 16 + c] = weights[b * classes + c] }
            }
            rows16 = padded
        } else {
            rows16 = nil
        }
        self.dimension = dimension
        self.classNames = names
    }

    /// Index of a named output, or nil.
    public func index(of name: String) -> Int? { classNames.firstIndex(of: name) }
}

private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, offset + n <= bytes.count else { throw IntentError.weights("intent weights file is truncated") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func u32() throws -> UInt32 {
        let b = try bytes(4)
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
