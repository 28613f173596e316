import FuzzDriver
import Foundation
import Kernels
@testable import ModelFormats

/// GGUF: header, metadata (every array decoded), tensor infos, the config mapping, the HF view, and the first
/// block of every tensor dequantised (so a view that escapes its buffer is read and caught by ASan).
runFuzzer { input in
    let file = MappedFile(copying: input, path: "fuzz.gguf")
    guard let gguf = try? GGUFFile(mapping: file) else { return }
    for (_, value) in gguf.metadata {
        guard case .array(let array) = value else { continue }
        _ = array.strings()
        _ = array.integers()
        _ = array.floats()
        _ = array.values()
    }
    _ = try? ModelConfig(gguf: gguf)
    _ = try? ModelFiles.openGGUF(gguf, at: URL(fileURLWithPath: "fuzz.gguf"))
    var block = [Float](repeating: 0, count: QK_K)
    for tensor in gguf.tensors where tensor.type.isDequantizable && tensor.elementCount >= tensor.type.blockElements {
        tensor.data.withUnsafeBytes { raw in
            block.withUnsafeMutableBufferPointer { _ = try? dequantize(raw, as: tensor.type, count: tensor.type.blockElements, into: $0) }
        }
    }
}
