// Identity benchmark and live-issuer check (bench/identity.sh):
//   IdentityBench bench [iterations]            verification cost per request with cached keys (table)
//   IdentityBench verify ISSUER AUDIENCE [SEP]   verify bearer tokens from stdin (one per line) against a live IdP
import AsyncHTTPClient
import Core
import Foundation
import Identity
import CryptoExtras
import JWTKit
import Logging

let arguments = CommandLine.arguments.dropFirst()

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Process CPU time in µs (user + system), robust to other processes competing for the cores.
func cpuMicroseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e6 + Double(ts.tv_nsec) / 1e3
}

func bench(iterations: Int) async throws {
    let dev = try await DevelopmentIssuer.create(issuer: "https://idp.bench.example/tenant", dataDirectory: nil)
    var issuer = dev.issuerConfiguration()
    issuer.claimMapping = ClaimMappingConfiguration(preset: .generic)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    // Cold: every call verifies the signature (token cache off). Warm: the same token again, from the
    // verified-token cache (SHA-256 of the token, time claims and key generation rechecked).
    let cold = try IdentityVerifier(
        configuration: IdentityConfiguration(issuers: [issuer], tokenCacheEntries: 0), developmentIssuer: dev,
        httpClient: client, logger: Logger(label: "bench"))
    let warm = try IdentityVerifier(
        configuration: IdentityConfiguration(issuers: [issuer]), developmentIssuer: dev, httpClient: client,
        logger: Logger(label: "bench"))
    guard await cold.loadKeys(), await warm.loadKeys() else { fatalError("keys not loaded") }
    print("| algorithm | token bytes | iterations | p50 µs | p99 µs | mean µs | CPU µs/verification |")
    print("|---|---|---|---|---|---|---|")
    for (alg, cache) in [("RS256", false), ("ES256", false), ("RS256", true), ("ES256", true)] {
        let verifier = cache ? warm : cold
        let label = cache ? "\(alg) warm (token cache hit)" : "\(alg) cold (signature checked)"
        // A realistic access token: groups, roles, scopes, names.
        let token = try dev.issueToken(
            subject: "00000000-0000-0000-0000-00000000a11c", name: "Alice Adams", email: "alice@example.com",
            groups: (1...12).map { "group-\($0)-engineering" }, roles: ["Gateway.User", "Gateway.Batch"],
            scopes: ["openid", "llm", "llm.batch"], ttl: 3600, algorithm: alg)
        let credentials = Credentials(authorization: "Bearer " + token)
        for _ in 0..<500 { _ = try await verifier.authenticate(credentials) }
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        let cpuStart = cpuMicroseconds()
        for _ in 0..<iterations {
            let start = clock.now
            _ = try await verifier.authenticate(credentials)
            let d = clock.now - start
            samples.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12)
        }
        let cpu = (cpuMicroseconds() - cpuStart) / Double(iterations)
        samples.sort()
        let mean = samples.reduce(0, +) / Double(samples.count)
        print(String(format: "| %@ | %d | %d | %.1f | %.1f | %.1f | %.1f |", label, token.utf8.count, iterations,
                     percentile(samples, 0.5), percentile(samples, 0.99), mean, cpu))
    }
    // Sender constraint and delegation, on the warm path (the tokens from the verified-token cache): a DPoP-bound
    // token with a fresh proof per request (the proof's signature, htu, iat, ath, replay cache), and a workload
    // presenting a user's token (two cached verifications plus the delegation checks).
    let holder = DPoPProofSigner()
    var delegated = IdentityConfiguration(issuers: [issuer])
    delegated.dpop = DPoPConfiguration(publicURL: "https://gateway.bench.example")
    delegated.delegation = DelegationConfiguration(workloads: [.init(issuer: dev.issuer, subject: "rag-api", userTokenClients: ["rag-web"])])
    var clientMapping = ClaimMappingConfiguration(preset: .generic)
    clientMapping.actorClient = ["/azp"]
    delegated.issuers[0].claimMapping = clientMapping
    let constrained = try IdentityVerifier(configuration: delegated, developmentIssuer: dev, httpClient: client, logger: Logger(label: "bench"))
    guard await constrained.loadKeys() else { fatalError("keys not loaded") }
    let bound = try dev.issueToken(
        subject: "00000000-0000-0000-0000-00000000a11c", groups: (1...12).map { "group-\($0)-engineering" },
        scopes: ["llm"], delegation: .init(dpopThumbprint: holder.jkt))
    let proofs = try (0..<(iterations + 500)).map { _ in
        try holder.proof(method: "POST", url: "https://gateway.bench.example/v1/chat/completions", accessToken: bound)
    }
    var next = 0
    try await row("ES256 warm + DPoP proof (ES256)", bound.utf8.count, iterations) {
        defer { next += 1 }
        return Credentials(authorization: "DPoP " + bound, dpopProofs: [proofs[next]], method: "POST", path: "/v1/chat/completions")
    } verify: { _ = try await constrained.authenticate($0) }
    let workload = try dev.issueToken(subject: "rag-api", scopes: ["llm"], kind: .service)
    let user = try dev.issueToken(
        subject: "00000000-0000-0000-0000-00000000a11c", groups: (1...12).map { "group-\($0)-engineering" },
        scopes: ["llm"], delegation: .init(client: "rag-web"))
    let pair = Credentials(authorization: "Bearer " + workload, userTokens: [user])
    try await row("ES256 warm, workload + user token", workload.utf8.count + user.utf8.count, iterations) { pair } verify: {
        let p = try await constrained.authenticate($0)
        precondition(p.actors.count == 2)
    }
    // Reference rows: the signature check alone (jwt-kit over swift-crypto/BoringSSL), same key types.
    let keys = JWTKeyCollection()
    await keys.add(ecdsa: ES256PrivateKey(), kid: "ec")
    await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)),
                   digestAlgorithm: .sha256, kid: "rsa")
    let input = Array(String(repeating: "x", count: 1000).utf8)
    for (alg, kid) in [("RS256 signature only", "rsa"), ("ES256 signature only", "ec")] {
        let key = try await keys.getKey(for: JWKIdentifier(string: kid))
        let signature = try key.sign(input)
        var samples: [Double] = []
        let clock = ContinuousClock()
        let cpuStart = cpuMicroseconds()
        for _ in 0..<iterations {
            let start = clock.now
            guard try key.verify(signature, signs: input) else { fatalError("signature") }
            let d = clock.now - start
            samples.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12)
        }
        let cpu = (cpuMicroseconds() - cpuStart) / Double(iterations)
        samples.sort()
        let mean = samples.reduce(0, +) / Double(samples.count)
        print(String(format: "| %@ | %d | %d | %.1f | %.1f | %.1f | %.1f |", alg, input.count, iterations,
                     percentile(samples, 0.5), percentile(samples, 0.99), mean, cpu))
    }
    try await client.shutdown()
}

/// One table row: `iterations` timed calls of `verify` on what `make` gives (after 500 untimed ones).
func row(
    _ label: String, _ bytes: Int, _ iterations: Int, make: () -> Credentials, verify: (Credentials) async throws -> Void
) async throws {
    for _ in 0..<500 { try await verify(make()) }
    let inputs = (0..<iterations).map { _ in make() }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    let cpuStart = cpuMicroseconds()
    for input in inputs {
        let start = clock.now
        try await verify(input)
        let d = clock.now - start
        samples.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12)
    }
    let cpu = (cpuMicroseconds() - cpuStart) / Double(iterations)
    samples.sort()
    let mean = samples.reduce(0, +) / Double(samples.count)
    print(String(format: "| %@ | %d | %d | %.1f | %.1f | %.1f | %.1f |", label, bytes, iterations,
                 percentile(samples, 0.5), percentile(samples, 0.99), mean, cpu))
}

func verify(issuer: String, audience: String, separator: String?) async throws {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    var mapping = ClaimMappingConfiguration(preset: .generic)
    mapping.listSeparator = separator
    let config = IdentityConfiguration(issuers: [
        IssuerConfiguration(name: "live", issuer: issuer, audiences: audience.split(separator: " ").map(String.init),
                            claimMapping: mapping),
    ])
    let verifier = try IdentityVerifier(configuration: config, httpClient: client, logger: Logger(label: "verify"))
    print("keys loaded:", await verifier.loadKeys(), verifier.loadedKeyIDs())
    while let line = readLine() {
        let token = line.trimmingCharacters(in: .whitespaces)
        if token.isEmpty { continue }
        do {
            let p = try await verifier.authenticate(Credentials(authorization: "Bearer " + token))
            let json = try JSONEncoder().encode(p)
            print("OK", String(decoding: json, as: UTF8.self))
        } catch let error as AuthenticationFailure {
            print("REFUSED", error.reason.rawValue, error.description)
        }
    }
    try await client.shutdown()
}

/// The cold path alone, for a profiler (`perf record -g IdentityBench profile ES256 200000`).
func profile(algorithm: String, iterations: Int) async throws {
    let dev = try await DevelopmentIssuer.create(issuer: "https://idp.bench.example/tenant", dataDirectory: nil)
    var issuer = dev.issuerConfiguration()
    issuer.claimMapping = ClaimMappingConfiguration(preset: .generic)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let verifier = try IdentityVerifier(
        configuration: IdentityConfiguration(issuers: [issuer], tokenCacheEntries: 0), developmentIssuer: dev,
        httpClient: client, logger: Logger(label: "bench"))
    guard await verifier.loadKeys() else { fatalError("keys not loaded") }
    let token = try dev.issueToken(
        subject: "00000000-0000-0000-0000-00000000a11c", name: "Alice Adams", email: "alice@example.com",
        groups: (1...12).map { "group-\($0)-engineering" }, roles: ["Gateway.User", "Gateway.Batch"],
        scopes: ["openid", "llm", "llm.batch"], ttl: 3600, algorithm: algorithm)
    let credentials = Credentials(authorization: "Bearer " + token)
    for _ in 0..<iterations { _ = try await verifier.authenticate(credentials) }
    try await client.shutdown()
}

switch arguments.first {
case "bench": try await bench(iterations: arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000)
case "profile":
    let a = Array(arguments.dropFirst())
    try await profile(algorithm: a.first ?? "ES256", iterations: a.count > 1 ? Int(a[1]) ?? 100_000 : 100_000)
case "verify":
    let a = Array(arguments.dropFirst())
    try await verify(issuer: a[0], audience: a[1], separator: a.count > 2 ? a[2] : nil)
default: print("usage: IdentityBench bench [N] | verify ISSUER AUDIENCES [LIST_SEPARATOR]")
}
