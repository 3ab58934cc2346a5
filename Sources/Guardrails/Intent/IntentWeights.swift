import Foundation

/// Weights of the intent classifier: a fixed-size hashed feature space (`dimension` buckets) times
/// `classNames.count` outputs, int8 with a per-output scale, plus a bias per output. The outputs are the
/// four main classes (`benign`, `injection`, `jailbreak`, `harmful`) and the harm kinds (`kind.<name>`).
///
/// Binary format (little endian), written by `training/intent/train.py`:
/// `"PCIW"`, u32 version (2: the features of `IntentFeatures`), u32 dimension, u32 classes, u32 maxBytes,
/// per class (u8 length, UTF-8 name), f32 scale × classes, f32 bias × classes, i8 weight × dimension ×
/// classes (bucket-major). Loaded into two tables: the main classes, 4 bytes a bucket (one 32-bit load per
/// feature, 256 KiB for 2^16 buckets: stays in L2), and the kinds, 8 bytes a bucket, read only for texts
/// that score as harmful.
public struct IntentWeights: Sendable {
    public static let formatVersion: UInt32 = 2
    public let dimension: Int
    public let maxBytes: Int
    public let classNames: [String]
    /// Scale and bias of the main classes in the order benign, injection, jailbreak, harmful.
    let mainScales: SIMD4<Float>
    let mainBiases: SIMD4<Float>
    /// `dimension × 4`: per bucket the main classes in the order above.
    let main: [Int8]
    /// Kind names (without `kind.`), their scales and biases (padded to 8), and `dimension × 8` weights.
    let kindNames: [String]
    let kindScales: SIMD8<Float>
    let kindBiases: SIMD8<Float>
    let kinds: [Int8]

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
        guard try reader.u32() == Self.formatVersion else {
            throw IntentError.weights("unsupported intent weights version (expected \(Self.formatVersion); retrain)")
        }
        let dimension = Int(try reader.u32())
        let classes = Int(try reader.u32())
        maxBytes = Int(try reader.u32())
        guard dimension > 0, dimension & (dimension - 1) == 0, (4...12).contains(classes), maxBytes >= 1024 else {
            throw IntentError.weights("intent weights header is invalid")
        }
        var names: [String] = []
        for _ in 0..<classes {
            let n = Int(try reader.bytes(1).first ?? 0)
            names.append(String(decoding: try reader.bytes(n), as: UTF8.self))
        }
        let scales = try (0..<classes).map { _ in Float(bitPattern: try reader.u32()) }
        let biases = try (0..<classes).map { _ in Float(bitPattern: try reader.u32()) }
        let raw = try reader.bytes(dimension * classes)
        guard reader.atEnd else { throw IntentError.weights("intent weights file has trailing bytes") }
        let order = ["benign", "injection", "jailbreak", "harmful"].map { names.firstIndex(of: $0) }
        let mainIndex = order.compactMap { $0 }
        guard mainIndex.count == 4 else {
            throw IntentError.weights("intent weights lack the benign/injection/jailbreak/harmful outputs")
        }
        let kindIndex = names.indices.filter { names[$0].hasPrefix("kind.") }
        guard !kindIndex.isEmpty, kindIndex.count <= 8 else { throw IntentError.weights("intent weights need 1 to 8 kinds") }
        let base = raw.startIndex
        var main = [Int8](repeating: 0, count: dimension * 4)
        var kinds = [Int8](repeating: 0, count: dimension * 8)
        for b in 0..<dimension {
            let row = base + b * classes
            for (k, c) in mainIndex.enumerated() { main[b * 4 + k] = Int8(bitPattern: raw[row + c]) }
            for (k, c) in kindIndex.enumerated() { kinds[b * 8 + k] = Int8(bitPattern: raw[row + c]) }
        }
        var ks = SIMD8<Float>(repeating: 0)
        var kb = SIMD8<Float>(repeating: -Float.infinity)
        for (k, c) in kindIndex.enumerated() {
            ks[k] = scales[c]
            kb[k] = biases[c]
        }
        self.main = main
        self.kinds = kinds
        mainScales = SIMD4(mainIndex.map { scales[$0] })
        mainBiases = SIMD4(mainIndex.map { biases[$0] })
        kindScales = ks
        kindBiases = kb
        kindNames = kindIndex.map { String(names[$0].dropFirst(5)) }
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
