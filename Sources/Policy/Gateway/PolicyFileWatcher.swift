import Foundation

/// Polls the modification times and sizes of the policy and entities files and reloads the store when
/// one changes. Run `run()` in a task; it returns when the task is cancelled.
public struct PolicyFileWatcher: Sendable {
    public let store: PolicyStore
    public let interval: Duration
    /// Called after every reload attempt (nil = success), e.g. to log.
    public let onReload: @Sendable (PolicyEngineError?) -> Void

    public init(store: PolicyStore, interval: Duration = .seconds(2), onReload: @escaping @Sendable (PolicyEngineError?) -> Void = { _ in }) {
        self.store = store
        self.interval = interval
        self.onReload = onReload
    }

    /// Fingerprint of the watched files: (path, mtime, size) or a marker when missing.
    static func fingerprint(_ paths: [String]) -> [String] {
        paths.map { path in
            guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return "\(path):missing" }
            let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (a[.size] as? NSNumber)?.int64Value ?? -1
            return "\(path):\(mtime):\(size)"
        }
    }

    /// Checks once; reloads when the fingerprint differs from `last`. Returns the new fingerprint.
    public func check(last: [String]) -> [String] {
        let now = Self.fingerprint(store.source.watchedPaths)
        guard now != last else { return last }
        do {
            try store.reload()
            onReload(nil)
        } catch {
            onReload(error)
        }
        return now
    }

    public func run() async {
        var last = Self.fingerprint(store.source.watchedPaths)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            last = check(last: last)
        }
    }
}
