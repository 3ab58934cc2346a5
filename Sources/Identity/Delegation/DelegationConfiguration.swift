import Core

/// `identity.delegation`: how far a chain of actors may reach, and which workloads may present a signed-in
/// user's token (in `user_token_header`) to call for that user.
///
/// ```yaml
/// identity:
///   delegation:
///     max_actor_depth: 4                         # actors in one chain (RFC 8693 act nesting included)
///     user_token_header: x-portcullis-user-token
///     workloads:
///       - issuer: spiffe://prod.example.org      # the workload's own issuer (iss, or spiffe://trust-domain)
///         subject: /ns/rag/sa/rag-api            # its subject (client id, or SPIFFE path)
///         user_token_clients: [rag-web]          # the user token must be issued to one of these clients
/// ```
public struct DelegationConfiguration: Codable, Sendable {
    public static let defaultHeader = "x-portcullis-user-token"

    /// A workload allowed to present users' tokens, and the binding that must hold between the two.
    public struct Workload: Codable, Sendable, Hashable {
        public var issuer: String
        public var subject: String
        /// The user token's client (the issuer mapping's `actor_client` claim: `azp`, `appid`, `cid`) must be one
        /// of these. Default: the workload's own subject (a client-credentials workload presenting tokens issued to
        /// itself); required for mTLS workloads, whose subject is a SPIFFE path.
        public var userTokenClients: [String]

        /// The workload's identity under its issuer (length-prefixed: neither part can forge the boundary).
        static func key(issuer: String, subject: String) -> String { "\(issuer.utf8.count):\(issuer)#\(subject)" }
        var key: String { Self.key(issuer: issuer, subject: subject) }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case issuer, subject
            case userTokenClients = "user_token_clients"
        }

        public init(issuer: String, subject: String, userTokenClients: [String]? = nil) {
            self.issuer = issuer
            self.subject = subject
            self.userTokenClients = userTokenClients ?? [subject]
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            issuer = try c.decode(String.self, forKey: .issuer)
            subject = try c.decode(String.self, forKey: .subject)
            let clients = try c.decodeIfPresent([String].self, forKey: .userTokenClients)
            guard !issuer.isEmpty, !subject.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .subject, in: c, debugDescription: "issuer and subject must not be empty")
            }
            if clients == nil && issuer.hasPrefix("spiffe://") {
                throw DecodingError.dataCorruptedError(
                    forKey: .userTokenClients, in: c,
                    debugDescription: "an mTLS workload needs user_token_clients: the client ids (azp/appid/cid) of the user tokens it may present")
            }
            if let clients, clients.isEmpty || clients.contains(where: \.isEmpty) {
                throw DecodingError.dataCorruptedError(forKey: .userTokenClients, in: c, debugDescription: "expected one or more client ids")
            }
            userTokenClients = clients ?? [subject]
        }
    }

    public var maxActorDepth: Int
    public var userTokenHeader: String
    public var workloads: [Workload]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxActorDepth = "max_actor_depth"
        case userTokenHeader = "user_token_header"
        case workloads
    }

    public init(maxActorDepth: Int = 4, userTokenHeader: String = Self.defaultHeader, workloads: [Workload] = []) {
        self.maxActorDepth = maxActorDepth
        self.userTokenHeader = userTokenHeader
        self.workloads = workloads
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxActorDepth = try c.decodeIfPresent(Int.self, forKey: .maxActorDepth) ?? 4
        userTokenHeader = (try c.decodeIfPresent(String.self, forKey: .userTokenHeader) ?? Self.defaultHeader).lowercased()
        workloads = try c.decodeIfPresent([Workload].self, forKey: .workloads) ?? []
        guard (1...16).contains(maxActorDepth) else {
            throw DecodingError.dataCorruptedError(forKey: .maxActorDepth, in: c, debugDescription: "expected 1 to 16 actors")
        }
        let reserved: Set<String> = ["authorization", "x-api-key", "dpop", "cookie", "host", "content-type", "content-length"]
        guard !userTokenHeader.isEmpty, userTokenHeader.utf8.allSatisfy(Self.isTokenCharacter), !reserved.contains(userTokenHeader) else {
            throw DecodingError.dataCorruptedError(
                forKey: .userTokenHeader, in: c, debugDescription: "expected a header name of its own (not Authorization, x-api-key or DPoP)")
        }
        var seen = Set<String>()
        for w in workloads where !seen.insert(w.key).inserted {
            throw DecodingError.dataCorruptedError(forKey: .workloads, in: c, debugDescription: "workload \(w.subject) is listed twice")
        }
    }

    /// RFC 9110 token characters, lower case (header names are compared case-insensitively).
    static func isTokenCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }
}
