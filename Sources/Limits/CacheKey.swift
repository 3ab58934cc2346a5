import Core

/// The identity of a cacheable request: scope, model, operation and the canonical request bytes, all
/// compared in full. The precomputed hash (SipHash, seeded per process) only chooses a dictionary
/// bucket; equality never relies on it, so there is no collision question between scopes or requests.
public struct CacheKey: Hashable, Sendable {
    public let scope: CachePartition
    public let model: String
    public let operation: Operation
    /// The canonical request bytes and the obligations that shaped the answer (see `AnswerCache.key`).
    public let request: [UInt8]
    private let digest: Int

    init(scope: CachePartition, model: String, operation: Operation, request: [UInt8]) {
        self.scope = scope
        self.model = model
        self.operation = operation
        self.request = request
        var h = Hasher()
        h.combine(scope)
        h.combine(model)
        h.combine(operation)
        request.withUnsafeBytes { h.combine(bytes: $0) }
        digest = h.finalize()
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    public static func == (a: CacheKey, b: CacheKey) -> Bool {
        a.digest == b.digest && a.scope == b.scope && a.model == b.model && a.operation == b.operation
            && a.request == b.request
    }

    /// Bytes this key occupies in the cache (for the size bound).
    var byteCount: Int { request.count + scope.owner.utf8.count + model.utf8.count + 64 }
}
