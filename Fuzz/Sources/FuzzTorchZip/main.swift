import FuzzDriver
@testable import ModelFormats

/// A whole torch.save archive: zip central directory (incl. Zip64), local headers, data.pkl, storages.
runFuzzer { input in
    let file = MappedFile(copying: input, path: "fuzz.pt")
    guard let checkpoint = try? PyTorchCheckpoint(mapping: file) else { return }
    var sum = 0
    for tensor in checkpoint.tensors where tensor.byteCount > 0 {
        tensor.data.withUnsafeBytes { sum &+= Int($0[0]) &+ Int($0[$0.count - 1]) }
    }
    if sum == -1 { print(sum) }
}
