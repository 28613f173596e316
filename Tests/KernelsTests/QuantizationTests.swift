import Foundation
import TestSupport
import XCTest
@testable import Kernels

/// The reference dequantisation against gguf-py, bit for bit: Tests/Fixtures/formats/quant-blocks.json
/// (scripts/fixtures/quant_blocks.py) and the real SmolLM2 blocks in ../shared/models/goldens.
final class QuantizationTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryTypeMatchesGGUFPyBitForBit() throws {
        let fixture = try Self.json("Tests/Fixtures/formats/quant-blocks.json")
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        var typesSeen = Set<String>()
        for entry in cases {
            let name = try XCTUnwrap(entry["type"] as? String)
            let type = try XCTUnwrap(GGMLType.allCases.first { $0.description == name }, name)
            let raw = try Self.bytes(hex: XCTUnwrap(entry["raw_hex"] as? String))
            let expected = try Self.bytes(hex: XCTUnwrap(entry["expected_f32_bits_hex"] as? String))
            let count = expected.count / 4
            XCTAssertEqual(raw.count, type.byteCount(elements: count), name)
            let values = try Self.dequantized(raw, type, count)
            var mismatches = 0
            for i in 0..<count {
                let want = expected.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
                if values[i].bitPattern != want {
                    mismatches += 1
                    if mismatches <= 3 { XCTFail("\(name) [\(entry["source"] ?? "")] element \(i): \(values[i]) vs \(Float(bitPattern: want))") }
                }
            }
            XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) of \(count) values differ")
            typesSeen.insert(name)
        }
        XCTAssertEqual(typesSeen, ["F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "Q2_K", "Q3_K"])
    }

    func testRealSmolLM2BlocksMatchTheSharedGolden() throws {
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: TestFiles.requireShared(
            "models/goldens/smollm2-quant-blocks.json"))) as? [String: Any]
        let tensors = try XCTUnwrap(golden?["tensors"] as? [[String: Any]])
        XCTAssertFalse(tensors.isEmpty)
        for tensor in tensors {
            let name = try XCTUnwrap(tensor["type"] as? String)
            let type = try XCTUnwrap(GGMLType.allCases.first { $0.description == name })
            let raw = try Self.bytes(hex: XCTUnwrap(tensor["first_two_blocks_hex"] as? String))
            let expected = try XCTUnwrap(tensor["dequantized_64"] as? [Double]).map(Float.init)
            XCTAssertEqual(type.blockBytes, tensor["block_bytes"] as? Int)
            let values = try Self.dequantized(raw, type, expected.count)
            XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern), "\(tensor["name"] ?? name)")
        }
    }

    func testFloat32ToHalfAndBFloat16RoundLikeNumpyAndGGML() throws {
        let rounding = try XCTUnwrap(Self.json("Tests/Fixtures/formats/quant-blocks.json")["rounding"] as? [String: String])
        let inputs = try Self.bytes(hex: XCTUnwrap(rounding["f32_bits_hex"]))
        let halves = try Self.bytes(hex: XCTUnwrap(rounding["f16_bits_hex"]))
        let brains = try Self.bytes(hex: XCTUnwrap(rounding["bf16_bits_hex"]))
        var halfMismatches = 0, bf16Mismatches = 0
        for i in 0..<(inputs.count / 4) {
            let x = Float(bitPattern: inputs.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self) })
            let h = halves.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self) }
            let b = brains.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self) }
            // NaN payloads are not specified by either peer beyond "stays NaN": compare NaN-ness there.
            if x.isNaN {
                XCTAssertTrue(floatFromHalfBits(halfBits(x)).isNaN)
                XCTAssertTrue(floatFromBFloat16Bits(bfloat16Bits(x)).isNaN)
                continue
            }
            if halfBits(x) != h { halfMismatches += 1 }
            if bfloat16Bits(x) != b { bf16Mismatches += 1 }
            // Widening is exact: a rounded value converts back to itself.
            XCTAssertEqual(halfBits(floatFromHalfBits(h)), h)
            XCTAssertEqual(bfloat16Bits(floatFromBFloat16Bits(b)), b)
        }
        XCTAssertEqual(halfMismatches, 0)
        XCTAssertEqual(bf16Mismatches, 0)
        XCTAssertGreaterThan(inputs.count / 4, 2500)
    }

    func testBadArgumentsAreErrorsNotCrashes() throws {
        var out = [Float](repeating: 0, count: 64)
        let raw = [UInt8](repeating: 0, count: 40)
        try out.withUnsafeMutableBufferPointer { dst in
            try raw.withUnsafeBytes { src in
                XCTAssertThrowsError(try dequantize(src, as: .q4_0, count: 31, into: dst)) {
                    XCTAssertEqual($0 as? DequantizationError, .partialBlock(type: .q4_0, count: 31))
                }
                XCTAssertThrowsError(try dequantize(src, as: .q8_0, count: 64, into: dst)) {
                    XCTAssertEqual($0 as? DequantizationError, .bufferTooSmall(needed: 68, available: 40))
                }
                XCTAssertThrowsError(try dequantize(src, as: .iq2_XXS, count: 256, into: dst)) {
                    XCTAssertEqual($0 as? DequantizationError, .unsupportedType(.iq2_XXS))
                }
                XCTAssertThrowsError(try dequantize(src, as: .f32, count: 65, into: dst))
                try dequantize(src, as: .q4_0, count: 0, into: dst)
            }
        }
        XCTAssertNil(GGMLType.q4_K.byteCount(elements: 255))
        XCTAssertNil(GGMLType.f32.byteCount(elements: Int.max))
        XCTAssertEqual(GGMLType.q6_K.byteCount(elements: 512), 420)
    }

    func testBlockSizesMatchGGML() {
        let expected: [GGMLType: (Int, Int)] = [.f32: (1, 4), .f16: (1, 2), .bf16: (1, 2), .q4_0: (32, 18), .q4_1: (32, 20),
            .q5_0: (32, 22), .q5_1: (32, 24), .q8_0: (32, 34), .q2_K: (256, 84), .q3_K: (256, 110), .q4_K: (256, 144),
            .q5_K: (256, 176), .q6_K: (256, 210), .q8_K: (256, 292), .iq4_XS: (256, 136), .tq2_0: (256, 66)]
        for (type, (elements, bytes)) in expected {
            XCTAssertEqual(type.blockElements, elements, "\(type)")
            XCTAssertEqual(type.blockBytes, bytes, "\(type)")
        }
    }

    // MARK: helpers

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: repository.appendingPathComponent(relative))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw CocoaError(.coderInvalidValue) }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: throw CocoaError(.coderInvalidValue)
            }
        }
        return try stride(from: 0, to: digits.count, by: 2).map { try nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }

    static func dequantized(_ raw: [UInt8], _ type: GGMLType, _ count: Int) throws -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        try out.withUnsafeMutableBufferPointer { dst in
            try raw.withUnsafeBytes { try dequantize($0, as: type, count: count, into: dst) }
        }
        return out
    }
}
