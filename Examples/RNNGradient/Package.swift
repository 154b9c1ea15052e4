// swift-tools-version: 6.1
// An example package that depends on SAMKit BY VERSION, the way SwiftPM treats a published package
// (and refuses unsafeFlags in it). scripts/check-example.sh points it at a tagged temporary clone
// through SAMKIT_PACKAGE_URL (a file:// URL) and SAMKIT_VERSION; a path dependency would prove nothing.
import PackageDescription

let url = Context.environment["SAMKIT_PACKAGE_URL"] ?? "https://github.com/samkit/SAMKit.git"
let version = Version(Context.environment["SAMKIT_VERSION"] ?? "1.0.0") ?? "1.0.0"

let package = Package(
    name: "RNNGradient",
    dependencies: [.package(url: url, exact: version)],
    targets: [
        .executableTarget(name: "RNNGradient", dependencies: [
            .product(name: "Verification", package: "SAMKit"),
            .product(name: "ComplexityFit", package: "SAMKit"),
        ]),
    ]
)
