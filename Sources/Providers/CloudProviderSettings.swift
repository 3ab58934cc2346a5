import Core

/// `providers.<name>.aws` — how a Bedrock provider signs its calls: SigV4 for `region` with either static keys
/// (`access_key_id`, `secret_access_key`, optional `session_token`) or `web_identity`
/// (AssumeRoleWithWebIdentity, as EKS service accounts use). Every value that is a secret is a reference.
public struct AWSSettings: Sendable, Codable, Hashable {
    public var region: String
    public var accessKeyID: SecretReference?
    public var secretAccessKey: SecretReference?
    public var sessionToken: SecretReference?
    public var webIdentity: WebIdentitySettings?

    public struct WebIdentitySettings: Sendable, Codable, Hashable {
        public var roleARN: String
        /// The OIDC token the role trusts (EKS mounts it as a file and rotates it; read again at every refresh).
        public var token: SecretReference
        public var stsEndpoint: String?
        public var sessionName: String
        public var durationSeconds: Int
        /// Refresh when less than this is left before the credentials expire.
        public var refreshBeforeSeconds: Int

        enum CodingKeys: String, CodingKey, CaseIterable {
            case roleARN = "role_arn", token, stsEndpoint = "sts_endpoint", sessionName = "session_name"
            case durationSeconds = "duration_seconds", refreshBeforeSeconds = "refresh_before_seconds"
        }

        public init(roleARN: String, token: SecretReference, stsEndpoint: String? = nil, sessionName: String = "portcullis",
                    durationSeconds: Int = 3600, refreshBeforeSeconds: Int = 300) {
            self.roleARN = roleARN
            self.token = token
            self.stsEndpoint = stsEndpoint
            self.sessionName = sessionName
            self.durationSeconds = durationSeconds
            self.refreshBeforeSeconds = refreshBeforeSeconds
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            roleARN = try c.decode(String.self, forKey: .roleARN)
            guard roleARN.hasPrefix("arn:") else {
                throw DecodingError.dataCorruptedError(forKey: .roleARN, in: c, debugDescription: "expected a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
            }
            token = try c.decode(SecretReference.self, forKey: .token)
            stsEndpoint = try c.decodeIfPresent(String.self, forKey: .stsEndpoint)
            if let e = stsEndpoint, !(e.hasPrefix("https://") || e.hasPrefix("http://")) {
                throw DecodingError.dataCorruptedError(forKey: .stsEndpoint, in: c, debugDescription: "expected an http(s) URL")
            }
            sessionName = try c.decodeIfPresent(String.self, forKey: .sessionName) ?? "portcullis"
            durationSeconds = try c.decodeIfPresent(Int.self, forKey: .durationSeconds) ?? 3600
            guard (900...43200).contains(durationSeconds) else {
                throw DecodingError.dataCorruptedError(forKey: .durationSeconds, in: c, debugDescription: "expected 900 to 43200 seconds")
            }
            refreshBeforeSeconds = try c.decodeIfPresent(Int.self, forKey: .refreshBeforeSeconds) ?? 300
            guard refreshBeforeSeconds >= 0, refreshBeforeSeconds < durationSeconds else {
                throw DecodingError.dataCorruptedError(forKey: .refreshBeforeSeconds, in: c, debugDescription: "expected 0 to less than duration_seconds")
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case region, accessKeyID = "access_key_id", secretAccessKey = "secret_access_key", sessionToken = "session_token"
        case webIdentity = "web_identity"
    }

    public init(region: String, accessKeyID: SecretReference? = nil, secretAccessKey: SecretReference? = nil,
                sessionToken: SecretReference? = nil, webIdentity: WebIdentitySettings? = nil) {
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.webIdentity = webIdentity
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        region = try c.decode(String.self, forKey: .region)
        guard !region.isEmpty, region.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
            throw DecodingError.dataCorruptedError(forKey: .region, in: c, debugDescription: "expected an AWS region such as ap-southeast-1")
        }
        accessKeyID = try c.decodeIfPresent(SecretReference.self, forKey: .accessKeyID)
        secretAccessKey = try c.decodeIfPresent(SecretReference.self, forKey: .secretAccessKey)
        sessionToken = try c.decodeIfPresent(SecretReference.self, forKey: .sessionToken)
        webIdentity = try c.decodeIfPresent(WebIdentitySettings.self, forKey: .webIdentity)
        let hasStatic = accessKeyID != nil || secretAccessKey != nil
        switch (hasStatic, webIdentity != nil) {
        case (true, true):
            throw DecodingError.dataCorruptedError(forKey: .webIdentity, in: c, debugDescription: "give either static keys or web_identity, not both")
        case (false, false):
            throw DecodingError.keyNotFound(CodingKeys.accessKeyID, .init(codingPath: c.codingPath, debugDescription: "expected access_key_id and secret_access_key, or web_identity"))
        case (true, false):
            guard accessKeyID != nil, secretAccessKey != nil else {
                throw DecodingError.keyNotFound(accessKeyID == nil ? CodingKeys.accessKeyID : .secretAccessKey,
                    .init(codingPath: c.codingPath, debugDescription: "static keys need both access_key_id and secret_access_key"))
            }
        case (false, true):
            if sessionToken != nil {
                throw DecodingError.dataCorruptedError(forKey: .sessionToken, in: c, debugDescription: "session_token goes with static keys; web_identity obtains its own")
            }
        }
    }
}

/// `providers.<name>.vertex` — a Vertex AI project: the service account (a reference to its JSON key) whose
/// signed assertion is exchanged for an OAuth access token at `token_endpoint` (default: the key's `token_uri`).
public struct VertexSettings: Sendable, Codable, Hashable {
    public var project: String
    public var location: String
    public var serviceAccount: SecretReference
    public var tokenEndpoint: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case project, location, serviceAccount = "service_account", tokenEndpoint = "token_endpoint"
    }

    public init(project: String, location: String, serviceAccount: SecretReference, tokenEndpoint: String? = nil) {
        self.project = project
        self.location = location
        self.serviceAccount = serviceAccount
        self.tokenEndpoint = tokenEndpoint
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        project = try c.decode(String.self, forKey: .project)
        location = try c.decode(String.self, forKey: .location)
        for (key, value) in [(CodingKeys.project, project), (.location, location)] {
            guard !value.isEmpty, value.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected lower-case letters, digits and '-'")
            }
        }
        serviceAccount = try c.decode(SecretReference.self, forKey: .serviceAccount)
        tokenEndpoint = try c.decodeIfPresent(String.self, forKey: .tokenEndpoint)
        if let e = tokenEndpoint, !(e.hasPrefix("https://") || e.hasPrefix("http://")) {
            throw DecodingError.dataCorruptedError(forKey: .tokenEndpoint, in: c, debugDescription: "expected an http(s) URL")
        }
    }
}

extension CircuitSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, failures, windowSeconds = "window_seconds", openSeconds = "open_seconds", halfOpenProbes = "half_open_probes"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CircuitSettings()
        let enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        let failures = try c.decodeIfPresent(Int.self, forKey: .failures) ?? d.failures
        let window = try c.decodeIfPresent(Double.self, forKey: .windowSeconds)
        let open = try c.decodeIfPresent(Double.self, forKey: .openSeconds)
        let probes = try c.decodeIfPresent(Int.self, forKey: .halfOpenProbes) ?? d.halfOpenProbes
        guard (1...1000).contains(failures) else { throw DecodingError.dataCorruptedError(forKey: .failures, in: c, debugDescription: "expected 1 to 1000") }
        guard (1...100).contains(probes) else { throw DecodingError.dataCorruptedError(forKey: .halfOpenProbes, in: c, debugDescription: "expected 1 to 100") }
        for (key, v) in [(CodingKeys.windowSeconds, window), (.openSeconds, open)] {
            if let v, !(v > 0 && v <= 86400) { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected seconds > 0") }
        }
        self.init(enabled: enabled, failures: failures, window: window.map { .seconds($0) } ?? d.window, openFor: open.map { .seconds($0) } ?? d.openFor, halfOpenProbes: probes)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(failures, forKey: .failures)
        try c.encode(Double(window.wholeMilliseconds) / 1000, forKey: .windowSeconds)
        try c.encode(Double(openFor.wholeMilliseconds) / 1000, forKey: .openSeconds)
        try c.encode(halfOpenProbes, forKey: .halfOpenProbes)
    }
}
