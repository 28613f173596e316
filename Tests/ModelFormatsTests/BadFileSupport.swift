import Foundation
import XCTest
@testable import ModelFormats

/// Writes GGUF bytes field by field, so tests can build valid files and then make them lie.
struct GGUFBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += s.utf8 }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

    struct Tensor { var name: String; var dims: [UInt64]; var type: UInt32; var offset: UInt64 }

    /// A small valid v3 file: a string, an int array and a string array in the metadata; two F32 tensors.
    static func valid(tensors: [Tensor]? = nil, extraMetadata: ((inout GGUFBuilder) -> Int)? = nil, dataBytes: Int = 64) -> [UInt8] {
        let tensors = tensors ?? [Tensor(name: "a.weight", dims: [4, 2], type: 0, offset: 0),
                                  Tensor(name: "b.weight", dims: [8], type: 0, offset: 32)]
        var b = GGUFBuilder()
        b.bytes += Array("GGUF".utf8)
        b.u32(3)
        b.u64(UInt64(tensors.count))
        var extra = GGUFBuilder()
        let extraCount = extraMetadata?(&extra) ?? 0
        b.u64(UInt64(3 + extraCount))
        b.string("general.architecture"); b.u32(8); b.string("llama")
        b.string("list.ints"); b.u32(9); b.u32(5); b.u64(3); b.u32(7); b.u32(8); b.u32(9)
        b.string("list.strings"); b.u32(9); b.u32(8); b.u64(2); b.string("<s>"); b.string("héllo")
        b.bytes += extra.bytes
        for t in tensors {
            b.string(t.name); b.u32(UInt32(t.dims.count))
            for d in t.dims { b.u64(d) }
            b.u32(t.type); b.u64(t.offset)
        }
        b.pad(to: 32)
        b.bytes += [UInt8](repeating: 0x3f, count: dataBytes)
        return b.bytes
    }
}

/// Writes `bytes` to a scratch file and returns its URL.
func scratchFile(_ bytes: [UInt8], name: String, test: String = #function) throws -> URL {
    let url = try TestPaths.scratchDirectory(test).appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

/// Asserts that `body` throws a FormatError of `kind` whose message mentions every string of `mentions`.
func assertFormatError<T>(_ kind: FormatError.Kind, mentioning mentions: [String] = [], _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error: \(message)", file: file, line: line)
    } catch let error as FormatError {
        XCTAssertEqual(error.kind, kind, "\(message): \(error)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(error.description.contains(text), "\(message): \"\(error)\" should mention \(text)", file: file, line: line)
        }
    } catch {
        XCTFail("\(message): not a FormatError: \(error)", file: file, line: line)
    }
}
