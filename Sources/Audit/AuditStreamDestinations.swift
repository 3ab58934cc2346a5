import Core
import Foundation

/// A syslog collector reached over TLS (RFC 5425): `address`, `tls`, and how messages are marked.
public struct SyslogDestination: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    public var tls: SyslogTLS
    /// RFC 5424 facility, 0-23 (default 13, "log audit").
    public var facility: Int
    /// Severity of records, 0-7 (default 6, informational)...
    public var severity: Int
    /// ...and of refusals and blocks (default 4, warning).
    public var refusalSeverity: Int
    /// HOSTNAME of the messages; the machine's host name when absent.
    public var hostname: String?

    public init(
        host: String, port: Int, tls: SyslogTLS, facility: Int = 13, severity: Int = 6, refusalSeverity: Int = 4, hostname: String? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.facility = facility
        self.severity = severity
        self.refusalSeverity = refusalSeverity
        self.hostname = hostname
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case address, tls, facility, severity, hostname
        case refusalSeverity = "refusal_severity"
    }

    /// `host:port` or `[v6 address]:port`.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }),
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let address = try c.decode(String.self, forKey: .address)
        guard let parsed = Self.parseAddress(address) else {
            throw DecodingError.dataCorruptedError(forKey: .address, in: c, debugDescription: "expected host:port (or [v6 address]:port)")
        }
        (host, port) = parsed
        guard let tls = try c.decodeIfPresent(SyslogTLS.self, forKey: .tls) else {
            throw DecodingError.keyNotFound(CodingKeys.tls, .init(
                codingPath: c.codingPath,
                debugDescription: "syslog streams need tls: {ca_file: ...}; records are never sent in plain text"))
        }
        self.tls = tls
        facility = try c.decodeIfPresent(Int.self, forKey: .facility) ?? 13
        guard (0...23).contains(facility) else {
            throw DecodingError.dataCorruptedError(forKey: .facility, in: c, debugDescription: "expected a syslog facility 0-23")
        }
        severity = try c.decodeIfPresent(Int.self, forKey: .severity) ?? 6
        refusalSeverity = try c.decodeIfPresent(Int.self, forKey: .refusalSeverity) ?? 4
        for (key, value) in [(CodingKeys.severity, severity), (.refusalSeverity, refusalSeverity)] where !(0...7).contains(value) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a syslog severity 0-7")
        }
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        if let h = hostname, h.isEmpty || h.utf8.count > 255 || !h.utf8.allSatisfy({ (33...126).contains($0) }) {
            throw DecodingError.dataCorruptedError(
                forKey: .hostname, in: c, debugDescription: "expected 1-255 printable ASCII characters without spaces")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)", forKey: .address)
        try c.encode(tls, forKey: .tls)
        try c.encode(facility, forKey: .facility)
        try c.encode(severity, forKey: .severity)
        try c.encode(refusalSeverity, forKey: .refusalSeverity)
        try c.encodeIfPresent(hostname, forKey: .hostname)
    }
}

/// TLS towards a syslog collector: its certificate is verified against `ca_file` and the name (`server_name`,
/// else the address's host; swift-nio-ssl also accepts an IP address entry equal to the address connected to);
/// a client certificate is presented when one is configured.
public struct SyslogTLS: Sendable, Hashable, Codable {
    /// PEM bundle of the CAs that may sign the collector's certificate.
    public var caFile: String
    /// PEM certificate chain presented to the collector (with `client_key`).
    public var clientCertificate: String?
    /// Its private key (PEM), as a reference: `env:NAME` or `file:/path`.
    public var clientKey: SecretReference?
    /// The name the collector's certificate must carry, when it differs from the address's host.
    public var serverName: String?

    public init(caFile: String, clientCertificate: String? = nil, clientKey: SecretReference? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.serverName = serverName
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case caFile = "ca_file"
        case clientCertificate = "client_certificate"
        case clientKey = "client_key"
        case serverName = "server_name"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try c.decode(String.self, forKey: .caFile)
        clientCertificate = try c.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientKey = try c.decodeIfPresent(SecretReference.self, forKey: .clientKey)
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
        if (clientCertificate == nil) != (clientKey == nil) {
            throw DecodingError.dataCorruptedError(
                forKey: clientCertificate == nil ? .clientKey : .clientCertificate, in: c,
                debugDescription: "client_certificate and client_key go together")
        }
        if let s = serverName, s.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .serverName, in: c, debugDescription: "must not be empty")
        }
    }
}

/// A collector taking JSON lines over HTTPS (`POST url`, `Authorization: Bearer <bearer>`).
public struct HTTPSDestination: Sendable, Hashable, Codable {
    /// https (plain http only to loopback); no user name or password in it.
    public var url: String
    /// The bearer token, as a reference: `env:NAME` or `file:/path`.
    public var bearer: SecretReference
    /// PEM bundle of the CAs that may sign the collector's certificate (the system's when absent).
    public var caFile: String?

    public init(url: String, bearer: SecretReference, caFile: String? = nil) {
        self.url = url
        self.bearer = bearer
        self.caFile = caFile
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, bearer
        case caFile = "ca_file"
    }

    /// Why `text` cannot be a collector URL, or nil when it can.
    public static func problem(url text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "expected an absolute https URL"
        }
        if url.user != nil || url.password != nil { return "must not carry a user name or password (use bearer)" }
        if url.fragment != nil { return "must not have a fragment" }
        switch scheme {
        case "https": return nil
        case "http": return AuditStreamConfiguration.isLoopback(host) ? nil : "must be https (plain http only to loopback)"
        default: return "must be https (plain http only to loopback)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        if let problem = Self.problem(url: url) {
            throw DecodingError.dataCorruptedError(forKey: .url, in: c, debugDescription: problem)
        }
        bearer = try c.decode(SecretReference.self, forKey: .bearer)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(bearer, forKey: .bearer)
        try c.encodeIfPresent(caFile, forKey: .caFile)
    }
}
