import Foundation
import XCTest

@testable import SkipConv

/// Compares the reader and writer with files written by the reference implementation, the
/// `safetensors` Python package (0.8.0), and with the reference's own test vectors.
///
/// `scripts/make-safetensors-fixtures.py` wrote the two `valid-reference-*` files of the corpus
/// with SplitMix64 values; these tests draw the same values from `SeededGenerator`.
final class CheckpointReferenceTests: XCTestCase {
  private func fixture(_ name: String) throws -> (bytes: [UInt8], url: URL) {
    let url = CheckpointFixtures.corpusFolder.appendingPathComponent(name)
    return (try Array(Data(contentsOf: url)), url)
  }

  /// Returns the tensors of `valid-reference-mixed.safetensors`, drawn in the script's order.
  private func mixedTensors() throws -> [String: SafetensorsTensor] {
    var generator = SeededGenerator(seed: 0x5EED_0001)
    func floats(_ count: Int) -> [Float] { generator.uniform(count, in: -1..<1) }
    var tensors: [String: SafetensorsTensor] = [:]
    tensors["blocks.0.conv1.weight"] = try SafetensorsTensor(float32: floats(60), shape: [4, 3, 5])
    tensors["blocks.0.conv1.bias"] = try SafetensorsTensor(float32: floats(4), shape: [4])
    tensors["embedding.weight"] = try SafetensorsTensor(float32: floats(21), shape: [7, 3])
    tensors["scalar"] = try SafetensorsTensor(float32: floats(1), shape: [])
    tensors["empty"] = try SafetensorsTensor(float32: floats(0), shape: [0, 3])
    let tokens = (0..<10).map { _ in Int32(truncatingIfNeeded: generator.next()) }
    tensors["tokens"] = try SafetensorsTensor(int32: tokens, shape: [2, 5])
    let steps = (0..<3).map { _ in Int64(bitPattern: generator.next()) }
    tensors["steps"] = try SafetensorsTensor(int64: steps, shape: [3])
    let moments = (0..<4).map { _ in Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1 }
    tensors["moments"] = try SafetensorsTensor(float64: moments, shape: [2, 2])
    let flags = (0..<5).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    tensors["flags"] = try SafetensorsTensor(dtype: .uint8, shape: [5], bytes: flags)
    return tensors
  }

  private let mixedMetadata = [
    "skipconv.step": "quote \" backslash \\ newline \n tab \t control \u{01} é €"
  ]

  func testReadsReferenceFile() throws {
    let (bytes, url) = try fixture("valid-reference-mixed.safetensors")
    let file = try SafetensorsFile(contentsOf: url)
    let expected = try mixedTensors()
    XCTAssertEqual(Set(file.tensors.keys), Set(expected.keys))
    for (name, tensor) in expected {
      XCTAssertEqual(file.tensors[name], tensor, name)
    }
    XCTAssertEqual(file.metadata, mixedMetadata)
    XCTAssertEqual(try SafetensorsFile(bytes: bytes), file)
    let weight = try file.expect("blocks.0.conv1.weight", dtype: .float32, shape: [4, 3, 5])
    XCTAssertFalse(try weight.float32Values().contains(0), "the fixture should hold no zeros")
  }

  func testWritesReferenceBytes() throws {
    let (bytes, _) = try fixture("valid-reference-mixed.safetensors")
    let contents = SafetensorsFile(tensors: try mixedTensors(), metadata: mixedMetadata)
    let written = try contents.serialized()
    XCTAssertEqual(written.count, bytes.count)
    if let index = zip(written, bytes).enumerated().first(where: { $0.element.0 != $0.element.1 })?
      .offset
    {
      XCTFail(
        "first differing byte at \(index): \(written[index]) written, \(bytes[index]) expected")
    }
  }

  func testReadsReferenceMetadata() throws {
    let (_, url) = try fixture("valid-reference-metadata.safetensors")
    let file = try SafetensorsFile(contentsOf: url)
    XCTAssertEqual(
      file.metadata, ["skipconv.config": "{\"layers\": 2}", "skipconv.labels": "a\nb", "z": ""])
    var generator = SeededGenerator(seed: 0x5EED_0002)
    let weight = try file.expect("classifier.weight", dtype: .float32, shape: [2, 3])
    XCTAssertEqual(try weight.float32Values(), generator.uniform(6, in: -1..<1))
  }

  func testMatchesReferenceTestVector() throws {
    // The reference's test_serialization: "attn.0", F32 [1, 2, 3] holding 0 to 5, which gives a
    // 64-byte header that needs no padding.
    let tensor = try SafetensorsTensor(float32: [0, 1, 2, 3, 4, 5], shape: [1, 2, 3])
    let header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"
    let data: [UInt8] = [
      0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]
    let expected = CheckpointFixtures.file(header: header, data: data)
    XCTAssertEqual(expected[0], 64)
    XCTAssertEqual(try SafetensorsFile(tensors: ["attn.0": tensor]).serialized(), expected)
  }

  func testWriterOrdersByDTypeThenName() throws {
    var generator = SeededGenerator(seed: 0x5EED_0003)
    let contents = SafetensorsFile(tensors: [
      "a": CheckpointFixtures.randomTensor(.int32, [1], &generator),
      "b": CheckpointFixtures.randomTensor(.float32, [3], &generator),
      "c": CheckpointFixtures.randomTensor(.float64, [2], &generator),
      "d": CheckpointFixtures.randomTensor(.int64, [2], &generator),
      "B": CheckpointFixtures.randomTensor(.float32, [1], &generator),
      "u": CheckpointFixtures.randomTensor(.uint8, [1], &generator),
    ])
    let bytes = try contents.serialized()
    let header = String(decoding: bytes[8...], as: UTF8.self)
    let positions = ["\"d\"", "\"c\"", "\"B\"", "\"b\"", "\"a\"", "\"u\""].map { name in
      header.range(of: name).map { header.distance(from: header.startIndex, to: $0.lowerBound) }
    }
    XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
    XCTAssertEqual(positions.compactMap { $0 }.count, 6)
  }
}
