// swift-tools-version: 6.1
// Benchmark of IdentityVerifier.authenticate with cached keys (RS256 and ES256, realistic access tokens),
// built against the repository's own Sources/Core and Sources/Identity. Run: bench/identity.sh
import PackageDescription

let package = Package(
    name: "IdentityBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "Support"),
        .target(name: "Core", dependencies: ["Support"]),
        .target(name: "Identity", dependencies: [
            "Core",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "IdentityBench", dependencies: [
            "Identity", "Core",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
