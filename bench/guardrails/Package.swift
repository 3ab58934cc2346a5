// swift-tools-version: 6.1
// In-process speed of the data guardrails (request scan, response filter) on 2 KB and 100 KB texts, built
// against the repository's own Sources/Core and Sources/Guardrails. Run: bench/guardrails-scan.sh
import PackageDescription

let package = Package(
    name: "GuardrailsBench",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "Core"),
        .systemLibrary(name: "CVectorscan", pkgConfig: "libhs"),
        .target(name: "Guardrails", dependencies: ["Core", "CVectorscan"]),
        .executableTarget(name: "GuardrailsBench", dependencies: ["Guardrails", "Core"]),
    ],
    swiftLanguageModes: [.v6]
)
