// swift-tools-version: 6.1
// Benchmark of the Audit module's write path (records/s with group commit, begin latency), built against
// the repository's own Sources/Core and Sources/Audit. Run: bench/audit.sh [records-per-run]
import PackageDescription

let package = Package(
    name: "AuditBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "Core"),
        .target(name: "Audit", dependencies: [
            "Core",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "AuditBench", dependencies: [
            "Audit", "Core",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
