// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vitopt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vitopt", targets: ["vitopt"]),
        .library(name: "Graph", targets: ["Graph"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "Quantize", targets: ["Quantize"]),
        .library(name: "Distill", targets: ["Distill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        // System libraries. Each is a Debian -dev package; `make deps` installs them.
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),

        // The constants of vitopt's exp and erf formulas, in one header for every C and Swift implementation.
        .target(name: "CVecMath"),
        // fp32 GEMM micro-kernels against pre-packed weights (AVX-512, AVX2+FMA, scalar), chosen at run time.
        .target(name: "CFloatGEMM", dependencies: ["CVecMath"], path: "Sources/CFloatGEMM"),
        // bf16 GEMM micro-kernels (AVX512-BF16, AVX2 emulation, scalar reference; runtime dispatch); epilogues from CFloatGEMM.
        .target(name: "CBF16GEMM", dependencies: ["CFloatGEMM", "CAMXTiles"]),
        // The AMX tile operations shared by the int8 and bf16 kernels: CPU/OS detection, the Linux permission
        // request, and a portable model of the tile instructions for verifying the kernels without AMX.
        .target(name: "CAMXTiles"),
        // Persistent, briefly spinning worker threads for the parallel loops (pthreads, C11 atomics).
        .target(name: "CThreadPool"),
        // Tensors, the IR, passes and the fp32 executor.
        .target(name: "Graph", dependencies: ["COpenBLAS", "CFloatGEMM", "CBF16GEMM", "CThreadPool", "CVecMath"]),
        // Checkpoint and data formats, naming conventions, the ViT builder front-end.
        .target(
            name: "Formats",
            dependencies: ["Graph", "CPNG", "CJPEG", "CHDF5", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["ONNX/Proto/onnx.proto", "ONNX/Proto/generate.sh"]),
        // int8 GEMM micro-kernels (per-function ISA targets, runtime dispatch); not a product.
        .target(name: "CInt8GEMM", dependencies: ["CAMXTiles"]),
        // Dynamic int8 quantization: the pass, int8 kernels, int8 model files.
        .target(name: "Quantize", dependencies: ["Graph", "Formats", "CInt8GEMM"]),
        // Attention matrix products for training (AVX-512, scalar reference, runtime dispatch); not a product.
        .target(name: "CDistillKernels", dependencies: ["CVecMath"]),
        // Training: backward pass, optimizer, distillation losses and loop.
        .target(name: "Distill", dependencies: ["Graph", "Formats", "Quantize", "CDistillKernels"]),
        // The thin command-line shell.
        .executableTarget(
            name: "vitopt",
            dependencies: [
                "Graph", "Formats", "Quantize", "Distill",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Shared test helpers: fixture paths, one tolerance compare, one run-the-binary helper.
        .target(name: "TestSupport", dependencies: ["Graph", "Formats"], path: "Tests/TestSupport"),
        .testTarget(name: "GraphTests", dependencies: ["Graph", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Graph", "TestSupport"]),
        .testTarget(name: "QuantizeTests", dependencies: ["Quantize", "Formats", "Graph", "TestSupport"]),
        .testTarget(name: "DistillTests", dependencies: ["Distill", "Formats", "Graph", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["vitopt", "Formats", "Graph", "TestSupport"]),

        // libFuzzer harnesses for every reader (Fuzz/README.md, `make fuzz`); built normally, a replay tool.
        .target(name: "FuzzTargets", dependencies: ["Formats", "Graph"], path: "Fuzz/Sources/FuzzTargets"),
        .executableTarget(name: "vitopt-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Sources/vitopt-fuzz"),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"], path: "Fuzz/Tests/FuzzTests"),
    ],
    swiftLanguageModes: [.v5]
)
