// swift-tools-version: 6.1
// Benchmark of the Limits module (admit+settle, cache key and lookup), built against the repository's
// own Sources/Support, Core, Database and Limits. Run: bench/limits.sh
import PackageDescription

let package = Package(
    name: "LimitsBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "Support"),
        .target(name: "Core", dependencies: ["Support"]),
        .target(name: "Database", dependencies: [
            "Core",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Limits", dependencies: ["Core", "Support", "Database"]),
        .executableTarget(name: "LimitsBench", dependencies: ["Limits", "Core"]),
    ],
    swiftLanguageModes: [.v6]
)
