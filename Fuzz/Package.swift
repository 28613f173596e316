// swift-tools-version:6.0
// libFuzzer targets for AlignScope's model-file parsers, one per parser. Never part of the root build.
//
//   cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
//   nice -n 10 .build/release/FuzzGGUF -max_total_time=600 -rss_limit_mb=4096 Corpus/gguf Seeds/gguf
//
// (`-enable-testing` lets the targets reach the parsers' internal entry points, e.g. the pickle machine.)
import PackageDescription

let package = Package(
    name: "AlignScopeFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "AlignScope", path: "..")],
    targets: [.target(name: "FuzzDriver")] + ["FuzzGGUF", "FuzzSafetensors", "FuzzPickle", "FuzzTorchZip", "FuzzConfig"].map {
        // gold trips over the sanitizer runtimes' debug info; lld links them.
        .executableTarget(name: $0, dependencies: ["FuzzDriver", .product(name: "ModelFormats", package: "AlignScope")],
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
    } + [
        .executableTarget(name: "FuzzChatTemplate",
                          dependencies: ["FuzzDriver", .product(name: "ChatTemplates", package: "AlignScope")],
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])]),
    ] + ["FuzzTokenizerJSON", "FuzzSentencePiece"].map {
        .executableTarget(name: $0, dependencies: ["FuzzDriver", .product(name: "Tokenizers", package: "AlignScope")],
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
    }
)
