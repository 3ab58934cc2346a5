// swift-tools-version: 6.1
// Benchmark of PolicyEngine.decide (100 policies, three-level group hierarchy), built against the
// repository's own Sources/Core and Sources/Policy. Run: bench/policy.sh
import PackageDescription

let package = Package(
    name: "PolicyBench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2")],
    targets: [
        .target(name: "Core"),
        .target(name: "Policy", dependencies: ["Core", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "PolicyBench", dependencies: ["Policy", "Core"]),
    ],
    swiftLanguageModes: [.v6]
)
