import Foundation
import XCTest

@testable import SkipConv

/// Builders shared by the checkpoint and fuzz tests.
enum CheckpointFixtures {
  /// The folder of stored inputs: reference files and inputs the fuzzer found.
  static let corpusFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Corpus")

  /// Creates a fresh empty folder under the system temporary folder.
  static func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("skipconv-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Returns the bytes of a file with this header text, unpadded, and data.
  static func file(header: String, data: [UInt8] = []) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    return littleEndian(UInt64(headerBytes.count)) + headerBytes + data
  }

  static func littleEndian(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }

  /// Returns a tensor of `dtype` and `shape` filled with seeded random, non-zero values.
  static func randomTensor(
    _ dtype: SafetensorsDType, _ shape: [Int], _ generator: inout SeededGenerator
  ) -> SafetensorsTensor {
    let count = shape.reduce(1, *)
    do {
      switch dtype {
      case .float32:
        let values = (0..<count).map { _ in
          generator.nextFloat(in: 0.5..<2) * randomSign(&generator)
        }
        return try SafetensorsTensor(float32: values, shape: shape)
      case .float64:
        let values = (0..<count).map { _ in Double(generator.nextFloat(in: 0.5..<2)) * 1.0000001 }
        return try SafetensorsTensor(float64: values, shape: shape)
      case .int32:
        let values = (0..<count).map { _ in Int32(truncatingIfNeeded: generator.next() | 1) }
        return try SafetensorsTensor(int32: values, shape: shape)
      case .int64:
        let values = (0..<count).map { _ in Int64(bitPattern: generator.next() | 1) }
        return try SafetensorsTensor(int64: values, shape: shape)
      default:
        let bytes = (0..<(count * dtype.byteSize)).map { _ in
          UInt8(truncatingIfNeeded: generator.next() | 1)
        }
        return try SafetensorsTensor(dtype: dtype, shape: shape, bytes: bytes)
      }
    } catch {
      preconditionFailure("a random tensor of \(dtype) \(shape) is inconsistent: \(error)")
    }
  }

  private static func randomSign(_ generator: inout SeededGenerator) -> Float {
    generator.next() & 1 == 0 ? 1 : -1
  }

  /// Names that exercise JSON escaping, Unicode and the model's naming convention.
  static let awkwardNames = [
    "embedding.weight", "blocks.0.conv1.weight", "blocks.10.gate.bias", "classifier.weight",
    "optimizer.exp_avg.classifier.weight", "quote\"name", "back\\slash", "new\nline", "tab\t",
    "control\u{01}", "é", "e\u{301}x", "日本", "emoji🙂", "", " ", "__metadata", "__metadata___",
  ]

  /// Returns a file of up to `maximumTensors` random tensors of random dtypes, shapes (scalars and
  /// empty tensors included) and names, with random metadata.
  static func randomFile(_ generator: inout SeededGenerator, maximumTensors: Int = 8)
    -> SafetensorsFile
  {
    var contents = SafetensorsFile()
    let tensorCount = Int(generator.next() % UInt64(maximumTensors + 1))
    for index in 0..<tensorCount {
      let dtype = SafetensorsDType.allCases[
        Int(generator.next() % UInt64(SafetensorsDType.allCases.count))]
      let rank = Int(generator.next() % 4)
      let shape = (0..<rank).map { _ in
        generator.next() % 6 == 0 ? 0 : Int(generator.next() % 4) + 1
      }
      let name = awkwardNames[Int(generator.next() % UInt64(awkwardNames.count))] + "\(index)"
      contents.tensors[name] = randomTensor(dtype, shape, &generator)
    }
    let metadataCount = Int(generator.next() % 4)
    for index in 0..<metadataCount {
      let key = awkwardNames[Int(generator.next() % UInt64(awkwardNames.count))] + "\(index)"
      contents.metadata[key] = awkwardNames[Int(generator.next() % UInt64(awkwardNames.count))]
    }
    return contents
  }
}

final class CheckpointRoundTripTests: XCTestCase {
  func testRandomFilesRoundTrip() throws {
    var generator = SeededGenerator(seed: 0xC0FF_EE01)
    for trial in 0..<200 {
      let contents = CheckpointFixtures.randomFile(&generator)
      let bytes = try contents.serialized()
      let decoded = try SafetensorsFile(bytes: bytes, file: "trial \(trial)")
      XCTAssertEqual(decoded, contents, "trial \(trial)")
      XCTAssertEqual(decoded.source, "trial \(trial)")
      XCTAssertEqual(try decoded.serialized(), bytes, "trial \(trial): second encoding differs")
    }
  }

  func testTypedValuesRoundTrip() throws {
    var generator = SeededGenerator(seed: 0xC0FF_EE02)
    let floats = generator.uniform(24)
    let doubles = (0..<5).map { _ in Double(generator.nextNormal()) / 3 }
    let ints = (0..<7).map { _ in Int32(truncatingIfNeeded: generator.next()) }
    let longs = (0..<3).map { _ in Int64(bitPattern: generator.next()) }
    let contents = SafetensorsFile(
      tensors: [
        "weight": try SafetensorsTensor(float32: floats, shape: [2, 3, 4]),
        "moments": try SafetensorsTensor(float64: doubles, shape: [5]),
        "tokens": try SafetensorsTensor(int32: ints, shape: [7]),
        "steps": try SafetensorsTensor(int64: longs, shape: [3, 1]),
      ],
      metadata: ["skipconv.step": "\(generator.next())"])
    let decoded = try SafetensorsFile(bytes: try contents.serialized())
    XCTAssertEqual(
      try decoded.expect("weight", dtype: .float32, shape: [2, 3, 4]).float32Values(), floats)
    XCTAssertEqual(
      try decoded.expect("moments", dtype: .float64, shape: [5]).float64Values(), doubles)
    XCTAssertEqual(try decoded.expect("tokens", dtype: .int32, shape: [7]).int32Values(), ints)
    XCTAssertEqual(try decoded.expect("steps", dtype: .int64, shape: [3, 1]).int64Values(), longs)
    XCTAssertEqual(try decoded.metadataValue("skipconv.step"), contents.metadata["skipconv.step"])
  }

  func testFloatBitPatternsSurvive() throws {
    let values: [Float] = [
      -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
      Float(bitPattern: 0x7FC0_1234),
    ]
    let tensor = try SafetensorsTensor(float32: values, shape: [values.count])
    let decoded = try SafetensorsFile(
      bytes: try SafetensorsFile(tensors: ["x": tensor]).serialized())
    let read = try XCTUnwrap(decoded.tensors["x"]).float32Values()
    XCTAssertEqual(read.map(\.bitPattern), values.map(\.bitPattern))
  }

  func testEqualContentsGiveEqualBytes() throws {
    var generator = SeededGenerator(seed: 0xC0FF_EE03)
    let contents = CheckpointFixtures.randomFile(&generator, maximumTensors: 12)
    var reordered = SafetensorsFile()
    for name in contents.tensors.keys.sorted().reversed() {
      reordered.tensors[name] = contents.tensors[name]
    }
    for key in contents.metadata.keys.sorted().reversed() {
      reordered.metadata[key] = contents.metadata[key]
    }
    XCTAssertEqual(try reordered.serialized(), try contents.serialized())
  }

  func testHeaderPaddedToEightBytes() throws {
    var generator = SeededGenerator(seed: 0xC0FF_EE04)
    for trial in 0..<50 {
      let bytes = try CheckpointFixtures.randomFile(&generator).serialized()
      let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
      XCTAssertEqual(headerLength % 8, 0, "trial \(trial)")
      let header = Array(bytes[8..<(8 + headerLength)])
      let padding = header.reversed().prefix { $0 == UInt8(ascii: " ") }.count
      XCTAssertLessThan(padding, 8, "trial \(trial)")
      XCTAssertEqual(header.first, UInt8(ascii: "{"), "trial \(trial)")
      XCTAssertEqual(header[header.count - padding - 1], UInt8(ascii: "}"), "trial \(trial)")
    }
  }

  func testEmptyFileMatchesReferenceBytes() throws {
    // The reference writer's own test vectors: no tensors, without and with one metadata key.
    XCTAssertEqual(
      try SafetensorsFile().serialized(), [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    let withMetadata = SafetensorsFile(metadata: ["framework": "pt"])
    let header = "{\"__metadata__\":{\"framework\":\"pt\"}}     "
    XCTAssertEqual(try withMetadata.serialized(), CheckpointFixtures.file(header: header))
  }

  func testWriteAndReadFile() throws {
    let folder = try CheckpointFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var generator = SeededGenerator(seed: 0xC0FF_EE05)
    let url = folder.appendingPathComponent("model.safetensors")
    for version in 0..<3 {
      let contents = CheckpointFixtures.randomFile(&generator)
      try contents.write(to: url)
      let read = try SafetensorsFile(contentsOf: url)
      XCTAssertEqual(read, contents, "version \(version)")
      XCTAssertEqual(read.source, url.path)
      XCTAssertEqual(try Array(Data(contentsOf: url)), try contents.serialized())
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    XCTAssertEqual(names, ["model.safetensors"], "a temporary file was left behind")
  }

  func testMissingFileRaisesFileOperationError() {
    let url = URL(fileURLWithPath: "/nonexistent-skipconv-folder/model.safetensors")
    XCTAssertThrowsError(try SafetensorsFile(contentsOf: url)) { error in
      guard let failure = error as? FileOperationError else {
        return XCTFail("expected FileOperationError, got \(error)")
      }
      XCTAssertEqual(failure.operation, "open")
      XCTAssertEqual(failure.code, ENOENT)
      XCTAssertTrue(failure.description.contains(url.path), failure.description)
    }
  }
}
