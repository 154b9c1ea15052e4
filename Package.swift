// swift-tools-version: 6.1
import PackageDescription

// No unsafeFlags: SwiftPM refuses them in a package used by version. Release builds get the
// compiler's default cross-module optimisation; scripts/compare-step-time.sh measures the step
// time against a build with `-Xswiftc -cross-module-optimization` (the former setting).

let package = Package(
    name: "SAMKit",
    products: [
        .executable(name: "samkit", targets: ["samkit"]),
        .library(name: "MemoryModels", targets: ["MemoryModels"]),
        .library(name: "NearestNeighbours", targets: ["NearestNeighbours"]),
        .library(name: "Verification", targets: ["Verification"]),
        .library(name: "ComplexityFit", targets: ["ComplexityFit"]),
        .library(name: "Profiling", targets: ["Profiling"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C modules (Debian: libopenblas-dev, libgsl-dev, libflann-dev, libhnswlib-dev).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL",
                       providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CFLANN", path: "Sources/CFLANN",
                       providers: [.apt(["libflann-dev"])]),
        // hnswlib (Debian: libhnswlib-dev, header-only C++) behind a C interface.
        .target(name: "CHNSW", path: "Sources/CHNSW"),
        // FLANN's k-d forest (libflann-dev headers) with its search on reused buffers, behind a C interface.
        .target(name: "CKDForest", path: "Sources/CKDForest", linkerSettings: [.linkedLibrary("lz4")]),

        // Counts heap allocations by defining malloc/calloc/realloc in the executable (the gate's
        // "allocations per step"); linked into samkit and NearestNeighboursTests (which counts per thread).
        .target(name: "CAllocationCounter", path: "Sources/CAllocationCounter"),
        // Callgrind's start/stop client requests around the profiler's timed segments (no-ops natively).
        .target(name: "CValgrind", path: "Sources/CValgrind"),

        // The commit, dirty flag and sources hash this binary was built from (a prebuild plugin).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "BuildInfo", plugins: ["BuildInfoPlugin"]),

        // Files written atomically, and a progress line on the terminal.
        .target(name: "OutputFiles"),

        // Scalars, BLAS dispatch, seeded random numbers.
        .target(name: "SAMNumerics",
                dependencies: ["CBLAS", .product(name: "RealModule", package: "swift-numerics")]),
        // The nearest-neighbour index protocol and its implementations.
        .target(name: "NearestNeighbours", dependencies: ["SAMNumerics", "CHNSW", "CKDForest"]),
        // SAM and DAM: controller, memory access, journal, hand-written backward passes.
        .target(name: "MemoryModels", dependencies: ["SAMNumerics", "NearestNeighbours"]),

        // The one registry of model families (DAM, SAM, the SDNC, the bare controller) and their profiled variants.
        .target(name: "ModelFamilies", dependencies: ["MemoryModels", "NearestNeighbours", "SAMNumerics", "ComplexityFit"]),

        // Asymptotic-class fits of scaling measurements (GSL regression).
        .target(name: "ComplexityFit", dependencies: ["CGSL", "SAMNumerics"]),

        // The gradient-verification harness: finite differences, replay and free modes, dense equivalence.
        .target(name: "Verification", dependencies: ["MemoryModels", "ModelFamilies", "NearestNeighbours", "SAMNumerics", "CGSL", "OutputFiles"]),
        // Profiling drivers and scaling reports.
        .target(name: "Profiling", dependencies: ["MemoryModels", "ModelFamilies", "NearestNeighbours", "SAMNumerics", "ComplexityFit", "OutputFiles", "BuildInfo", "CValgrind"]),

        // The CI regression gate: a baseline, a short sweep, verification cases, a yes or no.
        .target(name: "Gate", dependencies: ["MemoryModels", "ModelFamilies", "Verification", "Profiling", "ComplexityFit", "OutputFiles", "SAMNumerics", "CGSL"]),

        // Training: the copy task and the Adam optimiser over a parameter store.
        .target(name: "Training", dependencies: ["MemoryModels", "SAMNumerics", "OutputFiles"]),

        .executableTarget(name: "samkit",
                          dependencies: ["MemoryModels", "ModelFamilies", "NearestNeighbours", "SAMNumerics", "ComplexityFit", "Verification", "Profiling", "Gate", "CAllocationCounter", "OutputFiles", "Training", "BuildInfo",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Seeded property runs shared by the test targets (SAMKIT_PROPERTY_SEED).
        .target(name: "PropertySupport", dependencies: [.product(name: "PropertyBased", package: "swift-property-based")],
                path: "Tests/PropertySupport"),
        .testTarget(name: "MemoryModelsTests",
                    dependencies: ["MemoryModels", "SAMNumerics", "PropertySupport", "Verification",
                                   .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "NearestNeighboursTests",
                    dependencies: ["NearestNeighbours", "SAMNumerics", "CAllocationCounter", "CKDForest", "PropertySupport",
                                   .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "VerificationTests",
                    dependencies: ["Verification", "MemoryModels", "SAMNumerics", "OutputFiles", "PropertySupport",
                                   .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ProfilingTests",
                    dependencies: ["Profiling", "ComplexityFit", "MemoryModels", "SAMNumerics", "OutputFiles"]),
        .testTarget(name: "GateTests", dependencies: ["Gate", "MemoryModels", "Verification", "Profiling"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "MemoryModels", "SAMNumerics"]),
        // The bad-input suite: runs a release samkit (SAMKIT_BINARY) as a subprocess; `make bad-input`.
        .testTarget(name: "BadInputTests"),
        .testTarget(name: "ModelFamiliesTests", dependencies: ["ModelFamilies", "MemoryModels"]),
        .testTarget(name: "ComplexityFitTests",
                    dependencies: ["ComplexityFit", "SAMNumerics",
                                   .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
