import Foundation
import XCTest

@testable import SkipConv

/// One malformed input per rule of the strict reader, each checked for its error kind, the file
/// name and, where there is one, the tensor name in the message.
final class CheckpointReaderErrorTests: XCTestCase {
  private struct Case {
    var label: String
    var bytes: [UInt8]
    var kind: SafetensorsError.Kind
    var tensor: String? = nil
  }

  /// Eight data bytes, enough for the `F32 [2]` entries below.
  private static let data: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

  private static func entry(
    _ name: String = "w", dtype: String = "\"F32\"", shape: String = "[2]",
    offsets: String = "[0,8]"
  ) -> String {
    "\"\(name)\":{\"dtype\":\(dtype),\"shape\":\(shape),\"data_offsets\":\(offsets)}"
  }

  private static func header(_ entries: String..., data: [UInt8] = data) -> [UInt8] {
    CheckpointFixtures.file(header: "{" + entries.joined(separator: ",") + "}", data: data)
  }

  private static let framingCases: [Case] = [
    Case(label: "empty file", bytes: [], kind: .fileTooShort),
    Case(label: "seven bytes", bytes: [2, 0, 0, 0, 0, 0, 0], kind: .fileTooShort),
    Case(
      label: "header over the cap",
      bytes: CheckpointFixtures.littleEndian(100_000_001) + Array("{}".utf8),
      kind: .headerTooLarge),
    Case(
      label: "header length 2^64-1",
      bytes: CheckpointFixtures.littleEndian(.max) + Array("{}".utf8), kind: .headerTooLarge),
    Case(
      label: "header past the end", bytes: CheckpointFixtures.littleEndian(3) + Array("{}".utf8),
      kind: .headerBeyondFile),
    Case(
      label: "invalid UTF-8", bytes: CheckpointFixtures.littleEndian(4) + [0x7B, 0x22, 0xFF, 0x7D],
      kind: .invalidUTF8),
    Case(
      label: "truncated UTF-8 sequence",
      bytes: CheckpointFixtures.littleEndian(3) + [0x7B, 0xC3, 0x7D], kind: .invalidUTF8),
    Case(
      label: "zero header length", bytes: CheckpointFixtures.littleEndian(0), kind: .headerNotObject
    ),
    Case(
      label: "array header", bytes: CheckpointFixtures.file(header: "[]"), kind: .headerNotObject),
    Case(
      label: "leading space", bytes: CheckpointFixtures.file(header: " {}"),
      kind: .headerNotObject),
    Case(
      label: "unterminated object", bytes: CheckpointFixtures.file(header: "{\"w\":"),
      kind: .invalidJSON),
    Case(
      label: "garbage after object", bytes: CheckpointFixtures.file(header: "{}x"),
      kind: .invalidJSON),
    Case(
      label: "lone surrogate", bytes: CheckpointFixtures.file(header: "{\"\\ud800\":1}"),
      kind: .invalidJSON),
    Case(
      label: "deep nesting",
      bytes: CheckpointFixtures.file(
        header: "{\"w\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
          + "}"), kind: .invalidJSON),
  ]

  private static let entryCases: [Case] = [
    Case(label: "duplicate tensor", bytes: header(entry(), entry()), kind: .duplicateKey),
    Case(
      label: "duplicate by escape",
      bytes: header(entry("a", offsets: "[0,8]"), entry("\\u0061", offsets: "[0,8]")),
      kind: .duplicateKey),
    Case(
      label: "duplicate field",
      bytes: header(
        "\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"),
      kind: .duplicateKey, tensor: "w"),
    Case(
      label: "duplicate metadata key",
      bytes: header("\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}", entry()), kind: .duplicateKey,
      tensor: "__metadata__"),
    Case(
      label: "metadata array", bytes: header("\"__metadata__\":[]", entry()), kind: .invalidMetadata
    ),
    Case(
      label: "metadata number value", bytes: header("\"__metadata__\":{\"k\":1}", entry()),
      kind: .invalidMetadata),
    Case(
      label: "metadata null value", bytes: header("\"__metadata__\":{\"k\":null}", entry()),
      kind: .invalidMetadata),
    Case(
      label: "entry is a string", bytes: header("\"w\":\"F32\"", data: []), kind: .invalidFieldType,
      tensor: "w"),
    Case(
      label: "missing dtype", bytes: header("\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}"),
      kind: .missingField, tensor: "w"),
    Case(
      label: "missing shape", bytes: header("\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}"),
      kind: .missingField, tensor: "w"),
    Case(
      label: "missing offsets", bytes: header("\"w\":{\"dtype\":\"F32\",\"shape\":[2]}"),
      kind: .missingField, tensor: "w"),
    Case(
      label: "extra field",
      bytes: header(
        "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"offsets\":[0,8]}"),
      kind: .unexpectedField, tensor: "w"),
    Case(
      label: "dtype number", bytes: header(entry(dtype: "4")), kind: .invalidFieldType,
      tensor: "w"),
    Case(
      label: "unknown dtype", bytes: header(entry(dtype: "\"F17\"")), kind: .unknownDType,
      tensor: "w"),
    Case(
      label: "lower-case dtype", bytes: header(entry(dtype: "\"f32\"")), kind: .unknownDType,
      tensor: "w"),
    Case(
      label: "sub-byte dtype", bytes: header(entry(dtype: "\"F4\"")), kind: .unknownDType,
      tensor: "w"),
    Case(
      label: "shape object", bytes: header(entry(shape: "{}")), kind: .invalidFieldType, tensor: "w"
    ),
    Case(
      label: "negative shape", bytes: header(entry(shape: "[-2]")), kind: .invalidShape, tensor: "w"
    ),
    Case(
      label: "fractional shape", bytes: header(entry(shape: "[2.5]")), kind: .invalidShape,
      tensor: "w"),
    Case(
      label: "shape 2.0", bytes: header(entry(shape: "[2.0]")), kind: .invalidShape, tensor: "w"),
    Case(
      label: "shape 2e0", bytes: header(entry(shape: "[2e0]")), kind: .invalidShape, tensor: "w"),
    Case(
      label: "shape true", bytes: header(entry(shape: "[true]")), kind: .invalidShape, tensor: "w"),
    Case(
      label: "shape string", bytes: header(entry(shape: "[\"2\"]")), kind: .invalidShape,
      tensor: "w"),
    Case(
      label: "shape null", bytes: header(entry(shape: "[null]")), kind: .invalidShape, tensor: "w"),
    Case(
      label: "nested shape", bytes: header(entry(shape: "[[2]]")), kind: .invalidShape,
      tensor: "w"),
    Case(
      label: "shape 2^63", bytes: header(entry(shape: "[9223372036854775808]")),
      kind: .elementCountOverflow, tensor: "w"),
    Case(
      label: "shape 10^30", bytes: header(entry(shape: "[1000000000000000000000000000000]")),
      kind: .elementCountOverflow, tensor: "w"),
    Case(
      label: "count overflow", bytes: header(entry(shape: "[4294967296,4294967296]")),
      kind: .elementCountOverflow, tensor: "w"),
    Case(
      label: "byte count overflow", bytes: header(entry(shape: "[4611686018427387904]")),
      kind: .elementCountOverflow, tensor: "w"),
    Case(
      label: "offsets one value", bytes: header(entry(offsets: "[8]")), kind: .invalidFieldType,
      tensor: "w"),
    Case(
      label: "offsets three values", bytes: header(entry(offsets: "[0,8,8]")),
      kind: .invalidFieldType, tensor: "w"),
    Case(
      label: "offsets string", bytes: header(entry(offsets: "\"0,8\"")), kind: .invalidFieldType,
      tensor: "w"),
    Case(
      label: "negative offset", bytes: header(entry(offsets: "[-1,8]")), kind: .invalidOffsets,
      tensor: "w"),
    Case(
      label: "fractional offset", bytes: header(entry(offsets: "[0,8.0]")), kind: .invalidOffsets,
      tensor: "w"),
    Case(
      label: "offset 2^64", bytes: header(entry(offsets: "[0,18446744073709551616]")),
      kind: .offsetsOutOfRange, tensor: "w"),
    Case(
      label: "end before begin", bytes: header(entry(offsets: "[8,0]")), kind: .offsetsReversed,
      tensor: "w"),
    Case(
      label: "end past data", bytes: header(entry(offsets: "[0,8]"), data: [1, 2, 3, 4]),
      kind: .offsetsOutOfRange, tensor: "w"),
    Case(
      label: "end 2^63-1", bytes: header(entry(offsets: "[0,9223372036854775807]")),
      kind: .offsetsOutOfRange, tensor: "w"),
    Case(
      label: "size too small", bytes: header(entry(shape: "[1]", offsets: "[0,8]")),
      kind: .sizeMismatch, tensor: "w"),
    Case(
      label: "size too large", bytes: header(entry(shape: "[3]", offsets: "[0,8]")),
      kind: .sizeMismatch, tensor: "w"),
  ]

  private static let layoutCases: [Case] = [
    Case(
      label: "overlap",
      bytes: header(
        entry("a", shape: "[2]", offsets: "[0,8]"), entry("b", shape: "[1]", offsets: "[4,8]")),
      kind: .overlappingTensors, tensor: "b"),
    Case(
      label: "same range", bytes: header(entry("a"), entry("b")), kind: .overlappingTensors,
      tensor: "b"),
    Case(
      label: "empty tensor inside another",
      bytes: header(entry("a"), entry("b", shape: "[0]", offsets: "[4,4]")),
      kind: .overlappingTensors, tensor: "b"),
    Case(
      label: "gap at the start", bytes: header(entry(shape: "[1]", offsets: "[4,8]")),
      kind: .gapBetweenTensors, tensor: "w"),
    Case(
      label: "gap between",
      bytes: header(
        entry("a", shape: "[1]", offsets: "[0,4]"),
        entry("b", dtype: "\"U8\"", shape: "[2]", offsets: "[6,8]")), kind: .gapBetweenTensors,
      tensor: "b"),
    Case(
      label: "trailing bytes", bytes: header(entry(shape: "[1]", offsets: "[0,4]")),
      kind: .trailingBytes),
    Case(label: "data without tensors", bytes: header(data: [1]), kind: .trailingBytes),
  ]

  private func check(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    for testCase in cases {
      let label = "\(testCase.label).safetensors"
      XCTAssertThrowsError(
        try SafetensorsFile(bytes: testCase.bytes, file: label), testCase.label, file: file,
        line: line
      ) { error in
        guard let failure = error as? SafetensorsError else {
          return XCTFail(
            "\(testCase.label): expected SafetensorsError, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(
          failure.kind, testCase.kind, "\(testCase.label): \(failure)", file: file, line: line)
        XCTAssertEqual(failure.file, label, file: file, line: line)
        XCTAssertEqual(
          failure.tensor, testCase.tensor, "\(testCase.label): \(failure)", file: file, line: line)
        XCTAssertTrue(
          failure.description.hasPrefix(label + ": "), failure.description, file: file, line: line)
      }
    }
  }

  func testFramingErrors() { check(Self.framingCases) }
  func testEntryErrors() { check(Self.entryCases) }
  func testLayoutErrors() { check(Self.layoutCases) }

  func testEveryReaderKindHasACase() {
    let covered = Set((Self.framingCases + Self.entryCases + Self.layoutCases).map(\.kind))
    let missing = SafetensorsError.Kind.allCases.filter { !covered.contains($0) && $0.isReaderKind }
    XCTAssertEqual(missing, [])
  }

  func testAcceptsEdgeCasesOfValidFiles() throws {
    let cases: [(String, [UInt8])] = [
      ("no tensors", Self.header(data: [])),
      ("empty metadata", Self.header("\"__metadata__\":{}", data: [])),
      ("scalar", Self.header(Self.entry(shape: "[]", offsets: "[0,4]"), data: [1, 2, 3, 4])),
      ("zero dimension", Self.header(Self.entry(shape: "[0,5]", offsets: "[0,0]"), data: [])),
      (
        "empty tensors at the end",
        Self.header(
          Self.entry("a"), Self.entry("b", shape: "[0]", offsets: "[8,8]"),
          Self.entry("c", shape: "[3,0]", offsets: "[8,8]"))
      ),
      (
        "offsets out of name order",
        Self.header(
          Self.entry("a", shape: "[1]", offsets: "[4,8]"),
          Self.entry("b", shape: "[1]", offsets: "[0,4]"))
      ),
      (
        "whitespace and padding",
        CheckpointFixtures.file(
          header:
            "{ \"w\" : { \"data_offsets\" : [ 0 , 8 ], \"shape\": [2], \"dtype\":\"F32\" } }"
            + "\n\t   ",
          data: Self.data)
      ),
      ("escaped name", Self.header(Self.entry("\\u0077\\n"), data: Self.data)),
      ("shape -0", Self.header(Self.entry(shape: "[-0,7]", offsets: "[0,0]"), data: [])),
    ]
    for (label, bytes) in cases {
      XCTAssertNoThrow(try SafetensorsFile(bytes: bytes, file: label), label)
    }
    let escaped = try SafetensorsFile(bytes: cases[7].1)
    XCTAssertEqual(Array(escaped.tensors.keys), ["w\n"])
    let reordered = try SafetensorsFile(bytes: cases[5].1)
    XCTAssertEqual(reordered.tensors["b"]?.bytes, [1, 2, 3, 4])
    XCTAssertEqual(reordered.tensors["a"]?.bytes, [5, 6, 7, 8])
  }

  func testExpectNamesTensorAndBothValues() throws {
    var generator = SeededGenerator(seed: 0xE4_0001)
    let weight = CheckpointFixtures.randomTensor(.float32, [3, 4], &generator)
    let file = try SafetensorsFile(
      bytes: try SafetensorsFile(tensors: ["classifier.weight": weight]).serialized(),
      file: "run/model.safetensors")
    XCTAssertEqual(try file.expect("classifier.weight", dtype: .float32, shape: [3, 4]), weight)
    let cases: [(String, SafetensorsDType, [Int], SafetensorsError.Kind, [String])] = [
      (
        "classifier.bias", .float32, [3], .tensorNotFound,
        ["classifier.bias", "not found", "F32 shape [3]"]
      ),
      ("classifier.weight", .int32, [3, 4], .unexpectedDType, ["dtype is F32", "expected I32"]),
      (
        "classifier.weight", .float32, [4, 3], .unexpectedShape,
        ["shape is [3, 4]", "expected [4, 3]"]
      ),
    ]
    for (name, dtype, shape, kind, fragments) in cases {
      XCTAssertThrowsError(try file.expect(name, dtype: dtype, shape: shape)) { error in
        guard let failure = error as? SafetensorsError else { return XCTFail("\(error)") }
        XCTAssertEqual(failure.kind, kind)
        XCTAssertEqual(failure.tensor, name)
        XCTAssertTrue(
          failure.description.hasPrefix("run/model.safetensors: tensor '\(name)': "),
          failure.description)
        for fragment in fragments {
          XCTAssertTrue(failure.description.contains(fragment), "\(failure) lacks \(fragment)")
        }
      }
    }
    XCTAssertThrowsError(try file.metadataValue("skipconv.config")) { error in
      XCTAssertEqual((error as? SafetensorsError)?.kind, .metadataNotFound)
    }
  }

  func testTensorRejectsInconsistentValues() {
    let cases: [(SafetensorsDType, [Int], Int, SafetensorsError.Kind)] = [
      (.float32, [2, 3], 23, .sizeMismatch),
      (.float64, [], 4, .sizeMismatch),
      (.int32, [2, -3], 0, .invalidShape),
      (.uint8, [Int.max, 2], 0, .elementCountOverflow),
      (.int64, [Int.max / 4], 0, .elementCountOverflow),
    ]
    for (dtype, shape, byteCount, kind) in cases {
      let bytes = [UInt8](repeating: 7, count: byteCount)
      XCTAssertThrowsError(try SafetensorsTensor(dtype: dtype, shape: shape, bytes: bytes)) {
        error in
        XCTAssertEqual((error as? SafetensorsError)?.kind, kind, "\(dtype) \(shape): \(error)")
      }
    }
    XCTAssertThrowsError(try SafetensorsTensor(float32: [1, 2, 3], shape: [2, 2]))
  }

  func testTypedAccessorRejectsOtherDType() throws {
    let tensor = try SafetensorsTensor(int32: [3, -4], shape: [2])
    XCTAssertThrowsError(try tensor.float32Values()) { error in
      XCTAssertEqual((error as? SafetensorsError)?.kind, .unexpectedDType)
    }
    XCTAssertThrowsError(try tensor.int64Values())
    XCTAssertEqual(try tensor.int32Values(), [3, -4])
  }

  func testWriterRejectsReservedName() throws {
    let tensor = try SafetensorsTensor(float32: [0.5], shape: [1])
    let contents = SafetensorsFile(tensors: ["__metadata__": tensor])
    XCTAssertThrowsError(try contents.serialized()) { error in
      XCTAssertEqual((error as? SafetensorsError)?.kind, .reservedName)
    }
  }
}

extension SafetensorsError.Kind {
  /// Whether the reader raises this kind for malformed bytes, as opposed to the writer or the
  /// checks that callers run on a decoded file.
  var isReaderKind: Bool {
    switch self {
    case .reservedName, .tensorNotFound, .unexpectedDType, .unexpectedShape, .metadataNotFound:
      return false
    default:
      return true
    }
  }
}
