// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Portcullis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portcullis", targets: ["Portcullis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: the default traits would also build the gRPC exporter and its dependencies.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // One implementation of each shared mechanism: JSON value, parser and canonical writer, hex, bounded
        // LRU, sharded lock. No dependencies and no domain; Core re-exports it.
        .target(name: "Support"),
        // Shared vocabulary of the pipeline: Principal, AIRequest, Finding, Decision, stage protocols.
        .target(name: "Core", dependencies: ["Support"]),
        .systemLibrary(
            name: "CVectorscan",
            pkgConfig: "libhs",
            providers: [.apt(["libvectorscan-dev"])]
        ),
        // The shared PostgreSQL database of a replicated deployment: connection pool, TLS, migrations. No domain.
        .target(name: "Database", dependencies: [
            "Core",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Identity", dependencies: [
            "Core", "Database",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Policy", dependencies: ["Core", .product(name: "Yams", package: "Yams")]),
        .target(name: "Guardrails", dependencies: ["Core", "Support", "CVectorscan"]),
        .target(name: "Audit", dependencies: [
            "Core", "Support", "Database",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Audit streams: committed records to SIEM collectors (syslog over TLS, HTTPS JSON lines), at least once.
        .target(name: "AuditStreaming", dependencies: [
            "Audit", "Core", "Support",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Limits", dependencies: ["Core", "Support", "Database"]),
        // MCP: JSON-RPC envelopes, method declarations, tool definitions and pins. No HTTP.
        .target(name: "MCP", dependencies: [
            "Core", "Support", "Database",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Providers", dependencies: [
            "Core",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MockUpstream", dependencies: [
            "Core", "Support", "Providers", "MCP",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .target(name: "Gateway", dependencies: [
            "Core", "Identity", "Policy", "Guardrails", "Audit", "AuditStreaming", "Limits", "Providers", "MCP", "Database",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "OTel", package: "swift-otel"),
        ]),
        .executableTarget(name: "Portcullis", dependencies: [
            "Gateway", "MockUpstream", "Core", "Identity", "Policy", "Guardrails", "Audit", "Providers", "MCP", "Database",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // In-process cost of each pipeline step (bench/pipeline; `swift run -c release portcullis-pipeline-bench`).
        .executableTarget(name: "portcullis-pipeline-bench", dependencies: [
            "Gateway", "MockUpstream", "Core", "Identity", "Providers",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "bench/pipeline"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "Audit", "Limits", "Identity", "MCP", "Gateway", "Core"]),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "Core"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Core"]),
        .testTarget(name: "GuardrailsTests", dependencies: ["Guardrails", "Core"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Core"]),
        .testTarget(name: "AuditStreamingTests", dependencies: ["AuditStreaming", "Audit", "Core"]),
        .testTarget(name: "LimitsTests", dependencies: ["Limits", "Core"]),
        .testTarget(name: "MCPTests", dependencies: ["MCP", "Core"]),
        .testTarget(name: "MockUpstreamTests", dependencies: [
            "MockUpstream", "Core", "Providers",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "ProvidersTests", dependencies: [
            "Providers", "Core", .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "MockUpstream", "Core", "Providers", "Audit", "Limits", "Policy", "Guardrails",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
        ], exclude: ["Declarations/declared-text-fields.txt"]),
    ],
    swiftLanguageModes: [.v6]
)
