// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "SkipConv",
  products: [
    .library(name: "SkipConv", targets: ["SkipConv"]),
    .executable(name: "skipconv", targets: ["skipconv"]),
  ],
  targets: [
    // MARK: - Public API

    .target(
      name: "SkipConv",
      dependencies: ["COpenCL"],
      plugins: ["EmbedKernels"]
    ),
    .executableTarget(
      name: "skipconv",
      dependencies: ["SkipConv"]
    ),

    // MARK: - Implementation details

    .target(
      name: "COpenCL",
      linkerSettings: [.linkedLibrary("OpenCL")]
    ),
    .executableTarget(
      name: "embed-kernels",
      path: "Sources/embed-kernels"
    ),
    .plugin(
      name: "EmbedKernels",
      capability: .buildTool(),
      dependencies: ["embed-kernels"]
    ),

    // MARK: - Benchmarks

    .executableTarget(
      name: "skipconv-bench",
      dependencies: ["SkipConv"],
      path: "Benchmarks/skipconv-bench"
    ),

    // MARK: - Tests

    .testTarget(
      name: "SkipConvTests",
      dependencies: ["SkipConv"],
      // Stored safetensors inputs, read through #filePath rather than as bundle resources.
      exclude: ["Corpus"]
    ),
  ],
  // Swift 5 mode: the OpenCL handles are raw C pointers shared by design, not Sendable values.
  swiftLanguageModes: [.v5]
)
