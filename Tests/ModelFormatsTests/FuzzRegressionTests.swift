import Foundation
import Kernels
import XCTest
@testable import ModelFormats

/// Replays the fuzzers' seeds and every crasher they ever found (Fuzz/Seeds, Fuzz/Crashers) through the same
/// code the fuzz targets run: each input must parse or throw a FormatError, never crash.
final class FuzzRegressionTests: XCTestCase {
    static let fuzz = TestPaths.repository.appendingPathComponent("Fuzz")

    func inputs(_ corpus: String) throws -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        for folder in ["Seeds", "Crashers"] {
            let dir = Self.fuzz.appendingPathComponent(folder).appendingPathComponent(corpus)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                result.append(("\(folder)/\(corpus)/\(name)", try Array(Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return result
    }

    func testGGUF() throws {
        let all = try inputs("gguf")
        XCTAssertFalse(all.isEmpty)
        for (name, bytes) in all {
            guard let gguf = try? GGUFFile(mapping: MappedFile(copying: bytes, path: name)) else { continue }
            for (_, value) in gguf.metadata {
                _ = value.array?.strings()
                _ = value.array?.values()
            }
            _ = try? ModelConfig(gguf: gguf)
            var block = [Float](repeating: 0, count: QK_K)
            for tensor in gguf.tensors where tensor.type.isDequantizable && tensor.elementCount >= tensor.type.blockElements {
                tensor.data.withUnsafeBytes { raw in
                    block.withUnsafeMutableBufferPointer { _ = try? dequantize(raw, as: tensor.type, count: tensor.type.blockElements, into: $0) }
                }
            }
        }
    }

    func testSafetensors() throws {
        for (name, bytes) in try inputs("safetensors") {
            _ = try? SafetensorsFile(mapping: MappedFile(copying: bytes, path: name))
        }
    }

    func testPickle() throws {
        for (name, bytes) in try inputs("pickle") {
            bytes.withUnsafeBytes { raw in
                var machine = PickleMachine(raw, path: name, place: .entry("data.pkl"), fileOffset: 0)
                _ = try? machine.run()
            }
        }
    }

    func testTorchZip() throws {
        for (name, bytes) in try inputs("torchzip") {
            _ = try? PyTorchCheckpoint(mapping: MappedFile(copying: bytes, path: name))
        }
    }

    func testConfig() throws {
        for (name, bytes) in try inputs("config") {
            guard let json = try? CheckpointJSON.object(bytes, file: name) else { continue }
            _ = try? ModelConfig(json: json, file: name)
            _ = try? GenerationConfig(json: json, file: name)
        }
    }
}
