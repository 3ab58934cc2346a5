import Foundation

/// A parsed `postgres://` connection string. Only two TLS modes are accepted: `verify-full` (the server's
/// certificate chain checked against `sslrootcert`, or the system roots, and its name against the host) and
/// `disable`, which is refused unless the host is loopback or a Unix socket. `require`, `prefer`, `allow` and
/// `verify-ca` (encryption without knowing whom one talks to) are refused.
public struct PostgresDSN: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable {
        case verifyFull = "verify-full"
        case disable
    }

    public var host: String
    public var port: Int
    /// A Unix socket directory instead of host/port (`host=/var/run/postgresql` in the query).
    public var socketPath: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// PEM file of the certificate authorities trusted for the server (`sslrootcert`).
    public var rootCertificate: String?
    /// PEM client certificate and key (`sslcert`, `sslkey`), for certificate authentication to the database.
    public var clientCertificate: String?
    public var clientKey: String?

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let reason: String
        public var description: String { "invalid database url: \(reason)" }
    }

    /// Parses `dsn`. Error messages never repeat the string (it holds the password).
    public init(_ dsn: String) throws {
        guard let c = URLComponents(string: dsn), let scheme = c.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Invalid(reason: "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full")
        }
        var query: [String: String] = [:]
        for item in c.queryItems ?? [] {
            guard let v = item.value else { throw Invalid(reason: "parameter \(item.name) has no value") }
            query[item.name] = v
        }
        let known: Set = ["sslmode", "sslrootcert", "sslcert", "sslkey", "host", "application_name", "connect_timeout"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(reason: "unknown parameter \(unknown); expected one of \(known.sorted().joined(separator: ", "))")
        }
        socketPath = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = c.host ?? ""
        guard !host.isEmpty || socketPath != nil else { throw Invalid(reason: "no host") }
        port = c.port ?? 5432
        guard (1...65535).contains(port) else { throw Invalid(reason: "port out of range") }
        guard let u = c.user, !u.isEmpty else { throw Invalid(reason: "no user") }
        user = u
        password = c.password
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !path.isEmpty, !path.contains("/") else { throw Invalid(reason: "expected one database name in the path") }
        database = path
        guard let mode = query["sslmode"] else {
            throw Invalid(reason: "sslmode is required: verify-full (or disable, on loopback only)")
        }
        guard let tls = TLSMode(rawValue: mode) else {
            throw Invalid(reason: "sslmode \(mode) does not authenticate the server; expected verify-full (or disable, on loopback only)")
        }
        self.tls = tls
        rootCertificate = query["sslrootcert"]
        clientCertificate = query["sslcert"]
        clientKey = query["sslkey"]
        if (clientCertificate == nil) != (clientKey == nil) { throw Invalid(reason: "sslcert and sslkey go together") }
        if tls == .disable && !isLoopback {
            throw Invalid(reason: "sslmode=disable is allowed only for a loopback host or a Unix socket")
        }
    }

    /// Loopback addresses and `localhost`, or a Unix socket.
    public var isLoopback: Bool {
        if socketPath != nil { return true }
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    /// The string without its password, for logs and `/readyz`.
    public var redacted: String {
        let location = socketPath.map { "unix:\($0)" } ?? "\(host):\(port)"
        return "postgres://\(user)@\(location)/\(database)?sslmode=\(tls.rawValue)"
    }
}
