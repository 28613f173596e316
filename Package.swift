// swift-tools-version:6.0
// AlignScope — an interactive shell for probing how alignment changes a language model's global representation.
//
// Modules are layered one way (lower never imports higher):
//   TextFormats                  JSON reading and writing, Python's text forms (float repr, str semantics)
//   CKernels, Kernels            numerics: half/bf16, quantised blocks, matmul, threads
//   ModelFormats                 safetensors, GGUF, PyTorch pickles, config.json — memory-mapped
//   Tokenizers, ChatTemplates    tokenizer.json / SentencePiece / GGUF vocabularies; the Jinja subset
//   InferenceAPI                 the engine contract shared by in-process and remote models
//   Engine                       the in-process transformer (Llama/Mistral/Qwen2, reward heads)
//   RemoteBackend, InferenceServer, ResultsCache   scale-out over OpenAI-compatible HTTP
//   Datasets, Evaluations        the study's data, prompts, metrics and analyses (know no engine internals)
//   Reports                      terminal tables, CSV/JSON/Markdown export, SVG plots and maps
//   Shell                        the command language, REPL, sessions
//   alignscope                   a thin main
import PackageDescription

/// Numeric code is compiled optimised and for the build machine's vector unit even in debug builds:
/// without `-target-cpu`, Swift SIMD falls back to scalar library calls.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "native"]),
]

let package = Package(
    name: "AlignScope",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "alignscope", targets: ["alignscope"]),
        // For Fuzz/ (a separate package of libFuzzer targets that depends on this one by path).
        .library(name: "ModelFormats", targets: ["ModelFormats"]),
        .library(name: "ChatTemplates", targets: ["ChatTemplates"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Text formats every layer reads and writes
        .target(name: "TextFormats"),

        // Numerics
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Kernels", dependencies: ["CKernels"], swiftSettings: fastMath),

        // Model files, tokenizers, templates
        .target(name: "ModelFormats", dependencies: ["Kernels", "TextFormats"]),
        .target(name: "Tokenizers", dependencies: ["ModelFormats", "TextFormats"]),
        .target(name: "ChatTemplates", dependencies: ["TextFormats"]),

        // Inference
        .target(name: "InferenceAPI"),
        .target(name: "Engine",
                dependencies: ["Kernels", "ModelFormats", "Tokenizers", "ChatTemplates", "InferenceAPI"],
                swiftSettings: fastMath),

        // Scale-out: OpenAI-compatible client and server, SQLite result cache
        .target(name: "RemoteBackend",
                dependencies: ["InferenceAPI", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(name: "InferenceServer",
                dependencies: ["InferenceAPI", .product(name: "Hummingbird", package: "hummingbird")]),
        .target(name: "ResultsCache", dependencies: ["InferenceAPI", .product(name: "GRDB", package: "GRDB.swift")]),

        // Data and evaluations
        .target(name: "Datasets", dependencies: ["TextFormats"]),
        .target(name: "Evaluations", dependencies: ["Datasets", "InferenceAPI", "TextFormats"]),
        .target(name: "Reports", dependencies: ["Evaluations", "Datasets", "TextFormats"]),

        // The shell (libedit through a system-library module and a shim for its variadic C calls)
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "CLineEditShim", dependencies: ["CLibEdit"]),
        .target(name: "Shell",
                dependencies: ["Engine", "Evaluations", "Reports", "Datasets", "InferenceAPI",
                               "ModelFormats", "Tokenizers", "ChatTemplates", "RemoteBackend", "ResultsCache",
                               "CLibEdit", "CLineEditShim"]),
        .executableTarget(name: "alignscope",
                          dependencies: ["Shell", "Engine", "InferenceAPI", "InferenceServer", "RemoteBackend",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The engine's benchmark (figures in BENCHMARKS.md)
        .executableTarget(name: "alignscope-bench",
                          dependencies: ["Engine", "Datasets", "InferenceAPI", "Kernels", "Tokenizers", "ChatTemplates",
                                         "InferenceServer", "RemoteBackend"],
                          swiftSettings: fastMath),

        // Tests (run optimised: `swift test -c release`)
        // Where every test target finds ../shared, Tests/Fixtures and the fetched SmolLM2
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TextFormatsTests", dependencies: ["TextFormats"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
        .testTarget(name: "ModelFormatsTests", dependencies: ["ModelFormats", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "ModelFormats", "TestSupport"]),
        .testTarget(name: "ChatTemplatesTests", dependencies: ["ChatTemplates", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .target(name: "InferenceTestSupport",
                dependencies: ["InferenceAPI", "InferenceServer", .product(name: "Hummingbird", package: "hummingbird")],
                path: "Tests/InferenceTestSupport"),
        .testTarget(name: "ResultsCacheTests", dependencies: ["ResultsCache", "InferenceTestSupport"]),
        .testTarget(name: "InferenceServerTests",
                    dependencies: ["InferenceServer", "InferenceTestSupport",
                                   .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(name: "RemoteBackendTests",
                    dependencies: ["RemoteBackend", "InferenceServer", "ResultsCache", "InferenceTestSupport", "Engine",
                                   "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TextFormats", "TestSupport"]),
        .testTarget(name: "EvaluationsTests", dependencies: ["Evaluations", "Datasets", "InferenceAPI", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Evaluations", "TestSupport"]),
        .testTarget(name: "ShellTests",
                    dependencies: ["Shell", "Reports", "Evaluations", "Datasets", "InferenceAPI", "TestSupport"]),
    ]
)
