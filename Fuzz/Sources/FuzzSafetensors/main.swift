import FuzzDriver
@testable import ModelFormats

/// safetensors: the 8-byte length, the JSON header and its validation; every tensor's first and last byte read.
runFuzzer { input in
    let file = MappedFile(copying: input, path: "fuzz.safetensors")
    guard let parsed = try? SafetensorsFile(mapping: file) else { return }
    var sum = 0
    for tensor in parsed.tensors where tensor.byteCount > 0 {
        tensor.data.withUnsafeBytes { sum &+= Int($0[0]) &+ Int($0[$0.count - 1]) }
    }
    if sum == -1 { print(sum) }
}
