import Foundation
import XCTest
@testable import ModelFormats

/// Truncated and lying GGUF files: each is a typed error naming the file and the place, never a crash.
final class BadGGUFTests: XCTestCase {
    typealias T = GGUFBuilder.Tensor

    func parse(_ bytes: [UInt8]) throws -> GGUFFile {
        try GGUFFile(mapping: MappedFile(copying: bytes, path: "bad.gguf"))
    }

    func testTheBuilderMakesAValidFile() throws {
        let file = try parse(GGUFBuilder.valid())
        XCTAssertEqual(file.metadata.integers("list.ints"), [7, 8, 9])
        XCTAssertEqual(file.metadata.strings("list.strings"), ["<s>", "héllo"])
        XCTAssertEqual(file.tensors.map(\.name), ["a.weight", "b.weight"])
        var version2 = GGUFBuilder.valid()
        version2[4] = 2  // v2 has v3's layout (v3 only added big-endian files)
        XCTAssertEqual(try parse(version2).version, 2)
    }

    func testEveryTruncationIsAnError() throws {
        let valid = GGUFBuilder.valid()
        let dataStart = valid.count - 64
        for length in 0..<dataStart + 63 {
            do {
                _ = try parse(Array(valid[0..<length]))
                XCTFail("a \(length)-byte prefix parsed")
            } catch let error as FormatError {
                XCTAssertTrue(error.description.hasPrefix("bad.gguf: "), "\(error)")
                XCTAssertTrue([.truncated, .inconsistent].contains(error.kind), "\(length): \(error)")
            }
        }
    }

    func testHeaderLies() throws {
        var wrongMagic = GGUFBuilder.valid()
        wrongMagic[0] = UInt8(ascii: "X")
        assertFormatError(.badMagic, mentioning: ["bad.gguf: byte 0"]) { try parse(wrongMagic) }
        // The real path is named when the file is on disk.
        let onDisk = try scratchFile(wrongMagic, name: "wrong-magic.gguf")
        assertFormatError(.badMagic, mentioning: [onDisk.path]) { try GGUFFile(contentsOf: onDisk) }

        var version1 = GGUFBuilder.valid()
        version1[4] = 1
        assertFormatError(.unsupported, mentioning: ["version 1"]) { try parse(version1) }

        var bigEndian = GGUFBuilder.valid()
        bigEndian.replaceSubrange(4..<8, with: [0, 0, 0, 3])
        assertFormatError(.unsupported, mentioning: ["big-endian"]) { try parse(bigEndian) }

        var hugeTensorCount = GGUFBuilder.valid()
        hugeTensorCount.replaceSubrange(8..<16, with: [0, 0, 0, 0, 0, 0, 0, 0x10])
        assertFormatError(.inconsistent, mentioning: ["tensor count", "byte 8"]) { try parse(hugeTensorCount) }

        var hugeKVCount = GGUFBuilder.valid()
        hugeKVCount.replaceSubrange(16..<24, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        assertFormatError(.inconsistent, mentioning: ["metadata count"]) { try parse(hugeKVCount) }
    }

    func testMetadataLies() throws {
        let hugeString = GGUFBuilder.valid(extraMetadata: { b in
            b.string("bad.string"); b.u32(8); b.u64(UInt64.max - 3); return 1
        })
        assertFormatError(.truncated, mentioning: ["bad.string"]) { try parse(hugeString) }

        let hugeArray = GGUFBuilder.valid(extraMetadata: { b in
            b.string("bad.array"); b.u32(9); b.u32(8); b.u64(1 << 40); return 1
        })
        assertFormatError(.truncated, mentioning: ["bad.array", "array of 1099511627776"]) { try parse(hugeArray) }

        let unknownType = GGUFBuilder.valid(extraMetadata: { b in
            b.string("bad.type"); b.u32(99); b.u32(0); return 1
        })
        assertFormatError(.unsupported, mentioning: ["bad.type", "99"]) { try parse(unknownType) }

        let badBool = GGUFBuilder.valid(extraMetadata: { b in
            b.string("bad.bool"); b.u32(7); b.u8(2); return 1
        })
        assertFormatError(.inconsistent, mentioning: ["bad.bool"]) { try parse(badBool) }

        let duplicate = GGUFBuilder.valid(extraMetadata: { b in
            b.string("general.architecture"); b.u32(8); b.string("qwen2"); return 1
        })
        assertFormatError(.inconsistent, mentioning: ["general.architecture", "duplicate"]) { try parse(duplicate) }

        let badAlignment = GGUFBuilder.valid(extraMetadata: { b in
            b.string("general.alignment"); b.u32(4); b.u32(48); return 1
        })
        assertFormatError(.inconsistent, mentioning: ["general.alignment"]) { try parse(badAlignment) }

        let deepArray = GGUFBuilder.valid(extraMetadata: { b in
            b.string("deep"); b.u32(9)
            for _ in 0..<20 { b.u32(9); b.u64(1) }
            b.u32(4); b.u64(0)
            return 1
        })
        assertFormatError(.unsupported, mentioning: ["deep", "nested"]) { try parse(deepArray) }
    }

    func testTensorInfoLies() throws {
        let pastEOF = GGUFBuilder.valid(tensors: [T(name: "w", dims: [16], type: 0, offset: 32)])
        assertFormatError(.truncated, mentioning: ["tensor \"w\"", "past the end"]) { try parse(pastEOF) }

        let unknownType = GGUFBuilder.valid(tensors: [T(name: "w", dims: [4], type: 99, offset: 0)])
        assertFormatError(.unsupported, mentioning: ["tensor \"w\"", "99"]) { try parse(unknownType) }

        let retiredType = GGUFBuilder.valid(tensors: [T(name: "w", dims: [32], type: 4, offset: 0)])
        assertFormatError(.unsupported, mentioning: ["tensor \"w\""]) { try parse(retiredType) }

        let overflow = GGUFBuilder.valid(tensors: [T(name: "w", dims: [1 << 40, 1 << 40], type: 0, offset: 0)])
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\"", "too many elements"]) { try parse(overflow) }

        let hugeByteSize = GGUFBuilder.valid(tensors: [T(name: "w", dims: [1 << 62], type: 0, offset: 0)])
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\""]) { try parse(hugeByteSize) }

        let fiveDims = GGUFBuilder.valid(tensors: [T(name: "w", dims: [1, 1, 1, 1, 1], type: 0, offset: 0)])
        assertFormatError(.inconsistent, mentioning: ["5 dimensions"]) { try parse(fiveDims) }

        let partialBlock = GGUFBuilder.valid(tensors: [T(name: "w", dims: [33], type: 2, offset: 0)], dataBytes: 128)
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\"", "Q4_0"]) { try parse(partialBlock) }

        let misaligned = GGUFBuilder.valid(tensors: [T(name: "w", dims: [2], type: 0, offset: 4)])
        assertFormatError(.inconsistent, mentioning: ["alignment"]) { try parse(misaligned) }

        let overlap = GGUFBuilder.valid(tensors: [T(name: "a", dims: [16], type: 0, offset: 0), T(name: "b", dims: [8], type: 0, offset: 32)])
        assertFormatError(.inconsistent, mentioning: ["overlaps"]) { try parse(overlap) }

        let duplicate = GGUFBuilder.valid(tensors: [T(name: "a", dims: [8], type: 0, offset: 0), T(name: "a", dims: [8], type: 0, offset: 32)])
        assertFormatError(.inconsistent, mentioning: ["duplicate tensor name"]) { try parse(duplicate) }

        let offsetOverflow = GGUFBuilder.valid(tensors: [T(name: "w", dims: [8], type: 0, offset: UInt64(Int.max) - 31)])
        assertFormatError(.truncated, mentioning: ["tensor \"w\""]) { try parse(offsetOverflow) }
    }

    /// Every byte of a valid file replaced by 0xFF and by 0x00 in turn: each parse succeeds or throws.
    func testSingleByteCorruptionsNeverCrash() throws {
        let valid = GGUFBuilder.valid()
        var errors = 0
        for position in 0..<(valid.count - 64) {
            for value: UInt8 in [0xff, 0x00, 0x7f] where valid[position] != value {
                var mutant = valid
                mutant[position] = value
                do { _ = try parse(mutant) } catch is FormatError { errors += 1 }
            }
        }
        XCTAssertGreaterThan(errors, 100)
    }
}
