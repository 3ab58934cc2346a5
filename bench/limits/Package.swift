// swift-tools-version: 6.1
// Benchmark of the Limits module (admit+settle, cache key and lookup), built against the repository's
// own Sources/Support, Sources/Core and Sources/Limits. Run: bench/limits.sh
import PackageDescription

let package = Package(
    name: "LimitsBench",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "Support"),
        .target(name: "Core", dependencies: ["Support"]),
        .target(name: "Limits", dependencies: ["Core"]),
        .executableTarget(name: "LimitsBench", dependencies: ["Limits", "Core"]),
    ],
    swiftLanguageModes: [.v6]
)
