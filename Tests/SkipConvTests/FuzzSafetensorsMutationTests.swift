import Foundation
import XCTest

@testable import SkipConv

/// Seeded mutations of safetensors files for the fuzz test.
///
/// Byte edits (bit flips, insertions, deletions, truncation, header length rewrites, splices)
/// test the framing. Header edits change the JSON text (numbers, dtypes, fields, entries,
/// metadata, nesting, UTF-8) and then rewrite the header length, so that the input gets past
/// the framing checks and reaches the entry and layout checks.
struct SafetensorsMutator {
  private(set) var generator: SeededGenerator
  let seeds: [[UInt8]]

  init(seed: UInt64, seeds: [[UInt8]]) {
    generator = SeededGenerator(seed: seed)
    self.seeds = seeds
  }

  /// Returns a random seed file with one to three mutations applied.
  mutating func next() -> [UInt8] {
    var input = seeds[random(seeds.count)]
    for _ in 0..<(1 + random(3)) {
      input = mutate(input)
    }
    return input
  }

  /// Returns `input` with one mutation applied: a header edit half of the time when the header can
  /// be located, a byte edit otherwise.
  mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    if random(2) == 0, let (header, data) = Self.split(input) {
      let (newHeader, newData) = mutateHeader(header, data)
      return Self.join(newHeader, newData)
    }
    return mutateBytes(input)
  }

  mutating func random(_ count: Int) -> Int {
    count <= 1 ? 0 : Int(generator.next() % UInt64(count))
  }

  /// Returns a random element of `values`, which must not be empty.
  private mutating func pick<T>(_ values: [T]) -> T {
    values[random(values.count)]
  }

  // MARK: - Framing

  /// Returns the header and the data of `input`, or nil when its header length does not fit.
  static func split(_ input: [UInt8]) -> (header: [UInt8], data: [UInt8])? {
    guard let end = headerEnd(input) else { return nil }
    return (Array(input[8..<end]), Array(input[end...]))
  }

  /// Returns the index one past the header of `input`, or nil when its header length does not
  /// fit.
  static func headerEnd(_ input: [UInt8]) -> Int? {
    guard input.count >= 8 else { return nil }
    var length: UInt64 = 0
    for index in (0..<8).reversed() {
      length = length << 8 | UInt64(input[index])
    }
    return length <= UInt64(input.count - 8) ? 8 + Int(length) : nil
  }

  static func join(_ header: [UInt8], _ data: [UInt8]) -> [UInt8] {
    CheckpointFixtures.littleEndian(UInt64(header.count)) + header + data
  }

  // MARK: - Byte edits

  private static let interestingBytes: [UInt8] =
    Array("{}[]\":,-0123456789 \\eE.tn".utf8)
    + [0, 0x7F, 0x80, 0xC3, 0xFF]

  private mutating func mutateBytes(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    // Most edits land in the first 8 bytes or the header, where the reader does its work.
    let headerEnd = Self.headerEnd(bytes) ?? bytes.count
    let position = random(2) == 0 ? random(max(headerEnd, 1)) : random(max(bytes.count, 1))
    switch random(7) {
    case 0 where !bytes.isEmpty:
      bytes[min(position, bytes.count - 1)] ^= UInt8(1) << random(8)
    case 1 where !bytes.isEmpty:
      bytes[min(position, bytes.count - 1)] = pick(Self.interestingBytes)
    case 2:
      let inserted = (0..<(1 + random(8))).map { _ in pick(Self.interestingBytes) }
      bytes.insert(contentsOf: inserted, at: min(position, bytes.count))
    case 3 where !bytes.isEmpty:
      let start = min(position, bytes.count - 1)
      bytes.removeSubrange(start..<min(bytes.count, start + 1 + random(16)))
    case 4:
      bytes = Array(bytes.prefix(random(bytes.count + 1)))
    case 5 where bytes.count >= 8:
      bytes.replaceSubrange(0..<8, with: CheckpointFixtures.littleEndian(headerLength(for: bytes)))
    default:
      let other = pick(seeds)
      let start = random(other.count)
      let chunk = other[start..<min(other.count, start + 1 + random(64))]
      bytes.insert(contentsOf: chunk, at: min(position, bytes.count))
    }
    return bytes
  }

  private mutating func headerLength(for bytes: [UInt8]) -> UInt64 {
    let declared = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let size = UInt64(bytes.count)
    return pick([
      declared &+ 1, declared &- 1, declared &+ 8, declared &- 8, 0, 1, size - 8, size - 7, size,
      100_000_000, 100_000_001, UInt64(Int.max), UInt64(Int.max) + 1, .max, generator.next(),
    ])
  }

  // MARK: - Header edits

  private mutating func mutateHeader(_ header: [UInt8], _ data: [UInt8]) -> ([UInt8], [UInt8]) {
    var text = header
    var data = data
    switch random(12) {
    case 0: replaceNumber(&text)
    case 1: replaceStringValue(of: "dtype", in: &text)
    case 2: removeField(&text)
    case 3: duplicateEntry(&text, keepOffsets: random(2) == 0)
    case 4: renameField(&text)
    case 5: insertField(&text)
    case 6: replaceFieldValue(&text)
    case 7: reshapeHeader(&text)
    case 8: breakUTF8(&text)
    case 9: removeEntry(&text)
    case 10: resizeData(&data)
    default: mutateMetadata(&text)
    }
    if random(4) == 0 {
      text += [UInt8](repeating: UInt8(ascii: " "), count: (8 - text.count % 8) % 8)
    }
    return (text, data)
  }

  private static let numberCandidates = [
    "0", "1", "-1", "-0", "4", "8", "1.5", "2.0", "1e3", "4294967296", "9223372036854775807",
    "9223372036854775808", "18446744073709551615", "18446744073709551616",
    "100000000000000000000000000000", "true", "null", "\"8\"", "[]",
  ]

  private mutating func replaceNumber(_ text: inout [UInt8]) {
    let runs = Self.numberRuns(in: text)
    guard !runs.isEmpty else { return }
    let run = pick(runs)
    let value = Int(String(decoding: text[run], as: UTF8.self)) ?? 0
    let derived = [
      "\(value &+ 1)", "\(value &- 1)", "\(value &* 2)", "\(value &+ 4)", "\(value &- 4)",
    ]
    text.replaceSubrange(run, with: Array(pick(Self.numberCandidates + derived).utf8))
  }

  /// Returns the ranges of digit runs, with a leading minus sign when there is one.
  static func numberRuns(in text: [UInt8]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var index = 0
    while index < text.count {
      let isStart = text[index] == UInt8(ascii: "-") || (48...57).contains(text[index])
      guard isStart else {
        index += 1
        continue
      }
      var end = index + 1
      while end < text.count, (48...57).contains(text[end]) {
        end += 1
      }
      runs.append(index..<end)
      index = end
    }
    return runs
  }

  private mutating func replaceStringValue(of key: String, in text: inout [UInt8]) {
    let names = SafetensorsDType.allCases.map(\.rawValue) + ["F17", "f32", "", "F4", "F32 ", "🙂"]
    guard let value = Self.valueRanges(of: key, in: text).randomElement(using: &generator),
      text[value.lowerBound] == UInt8(ascii: "\"")
    else { return }
    text.replaceSubrange(value, with: Array("\"\(pick(names))\"".utf8))
  }

  private static let fieldKeys = ["dtype", "shape", "data_offsets"]

  private mutating func removeField(_ text: inout [UInt8]) {
    let key = pick(Self.fieldKeys)
    guard let field = Self.fieldRanges(of: key, in: text).randomElement(using: &generator) else {
      return
    }
    var range = field
    if range.upperBound < text.count, text[range.upperBound] == UInt8(ascii: ",") {
      range = range.lowerBound..<(range.upperBound + 1)
    } else if range.lowerBound > 0, text[range.lowerBound - 1] == UInt8(ascii: ",") {
      range = (range.lowerBound - 1)..<range.upperBound
    }
    text.removeSubrange(range)
  }

  private mutating func duplicateEntry(_ text: inout [UInt8], keepOffsets: Bool) {
    guard let entry = Self.entryRanges(in: text).randomElement(using: &generator) else { return }
    var copy = Array(text[entry])
    if !keepOffsets {
      copy.insert(contentsOf: Array("x".utf8), at: 1)
    }
    text.insert(contentsOf: [UInt8(ascii: ",")] + copy, at: entry.upperBound)
  }

  private mutating func renameField(_ text: inout [UInt8]) {
    let key = pick(Self.fieldKeys)
    let occurrences = Self.occurrences(of: Array("\"\(key)\"".utf8), in: text)
    guard let start = occurrences.randomElement(using: &generator) else { return }
    let replacement = pick(["Shape", "offsets", "data_offset", "dtype ", "__metadata__", "shape"])
    text.replaceSubrange(
      start..<(start + key.utf8.count + 2), with: Array("\"\(replacement)\"".utf8))
  }

  private mutating func insertField(_ text: inout [UInt8]) {
    let starts = Self.occurrences(of: Array("{\"dtype\"".utf8), in: text)
    guard let start = starts.randomElement(using: &generator) else { return }
    let field = pick([
      "\"extra\":1,", "\"dtype\":\"F32\",", "\"shape\":[1],", "\"data_offsets\":[0,0],",
    ])
    text.insert(contentsOf: Array(field.utf8), at: start + 1)
  }

  private mutating func replaceFieldValue(_ text: inout [UInt8]) {
    let key = pick(Self.fieldKeys)
    guard let value = Self.valueRanges(of: key, in: text).randomElement(using: &generator) else {
      return
    }
    let nesting = pick([3, 20, 513, 1_000])
    let nested = String(repeating: "[", count: nesting) + String(repeating: "]", count: nesting)
    let replacement = pick([
      "null", "true", "\"x\"", "{}", "[]", "[1,2,3]", "[-1]", "[[1]]", "1.5", "{\"a\":1}",
      "[0]", "[1,1]", "[8,4]", "[0,4,8]", nested,
    ])
    text.replaceSubrange(value, with: Array(replacement.utf8))
  }

  private mutating func reshapeHeader(_ text: inout [UInt8]) {
    switch random(6) {
    case 0: text = Array("[".utf8) + text + Array("]".utf8)
    case 1: text.insert(UInt8(ascii: " "), at: 0)
    case 2: text += Array("x".utf8)
    case 3: text = []
    case 4: text = Array(text.dropLast(1 + random(3)))
    default: text = Array("{}".utf8)
    }
  }

  private mutating func breakUTF8(_ text: inout [UInt8]) {
    let sequence = pick([
      [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    ])
    text.insert(contentsOf: sequence.map(UInt8.init), at: random(text.count + 1))
  }

  private mutating func removeEntry(_ text: inout [UInt8]) {
    guard let entry = Self.entryRanges(in: text).randomElement(using: &generator) else { return }
    var range = entry
    if range.upperBound < text.count, text[range.upperBound] == UInt8(ascii: ",") {
      range = range.lowerBound..<(range.upperBound + 1)
    } else if range.lowerBound > 0, text[range.lowerBound - 1] == UInt8(ascii: ",") {
      range = (range.lowerBound - 1)..<range.upperBound
    }
    text.removeSubrange(range)
  }

  private mutating func resizeData(_ data: inout [UInt8]) {
    if random(2) == 0 {
      data += (0..<(1 + random(16))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    } else {
      data = Array(data.dropLast(1 + random(8)))
    }
  }

  private mutating func mutateMetadata(_ text: inout [UInt8]) {
    let value = pick(["\"v\"", "1", "null", "[]", "{}", "\"\\u0000\"", "\"\\ud800\""])
    let key = pick(["k", "k", "__metadata__", ""])
    let metadata = "\"__metadata__\":{\"k\":\"a\",\"\(key)\":\(value)}"
    if let existing = Self.fieldRanges(of: "__metadata__", in: text).first {
      text.replaceSubrange(existing, with: Array(metadata.utf8))
    } else if text.first == UInt8(ascii: "{") {
      let separator = text.count > 2 ? "," : ""
      text.insert(contentsOf: Array((metadata + separator).utf8), at: 1)
    }
  }

  // MARK: - Locating JSON pieces in text that may be damaged

  /// Returns the start indices of `pattern` in `text`, written as plain loops because the fuzz test
  /// runs in debug builds, where slicing per position would dominate its time.
  static func occurrences(of pattern: [UInt8], in text: [UInt8]) -> [Int] {
    guard !pattern.isEmpty, text.count >= pattern.count else { return [] }
    var starts: [Int] = []
    text.withUnsafeBufferPointer { text in
      pattern.withUnsafeBufferPointer { pattern in
        for start in 0...(text.count - pattern.count) where text[start] == pattern[0] {
          var matched = 1
          while matched < pattern.count, text[start + matched] == pattern[matched] {
            matched += 1
          }
          if matched == pattern.count {
            starts.append(start)
          }
        }
      }
    }
    return starts
  }

  /// Returns the ranges of `"key":value` for every occurrence of the key.
  static func fieldRanges(of key: String, in text: [UInt8]) -> [Range<Int>] {
    occurrences(of: Array("\"\(key)\":".utf8), in: text).compactMap { start in
      let valueStart = start + key.utf8.count + 3
      return valueEnd(in: text, from: valueStart).map { start..<$0 }
    }
  }

  /// Returns the ranges of the values of every occurrence of `"key":`.
  static func valueRanges(of key: String, in text: [UInt8]) -> [Range<Int>] {
    fieldRanges(of: key, in: text).map { ($0.lowerBound + key.utf8.count + 3)..<$0.upperBound }
  }

  /// Returns the ranges of `"name":{"dtype"...}` for each tensor entry.
  static func entryRanges(in text: [UInt8]) -> [Range<Int>] {
    occurrences(of: Array(":{\"dtype\"".utf8), in: text).compactMap { colon in
      guard colon >= 2, text[colon - 1] == UInt8(ascii: "\"") else { return nil }
      var start = colon - 2
      while start >= 0,
        text[start] != UInt8(ascii: "\"") || (start > 0 && text[start - 1] == UInt8(ascii: "\\"))
      {
        start -= 1
      }
      guard start >= 0, let end = valueEnd(in: text, from: colon + 1) else { return nil }
      return start..<end
    }
  }

  /// Returns the index one past the JSON value that starts at `start`, or nil when it does not
  /// end.
  static func valueEnd(in text: [UInt8], from start: Int) -> Int? {
    guard start < text.count else { return nil }
    var depth = 0
    var index = start
    var inString = false
    while index < text.count {
      let byte = text[index]
      if inString {
        if byte == UInt8(ascii: "\\") {
          index += 1
        } else if byte == UInt8(ascii: "\"") {
          inString = false
          if depth == 0 { return index + 1 }
        }
      } else {
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
          if depth == 0 { return index }
          depth -= 1
          if depth == 0 { return index + 1 }
        case UInt8(ascii: ","):
          if depth == 0 { return index }
        default: break
        }
      }
      index += 1
    }
    return nil
  }
}

final class FuzzSafetensorsMutationTests: XCTestCase {
  private func seeds() throws -> [[UInt8]] {
    var generator = SeededGenerator(seed: 0xF022_0001)
    return try (0..<4).map { _ in try CheckpointFixtures.randomFile(&generator).serialized() }
  }

  func testMutatorIsDeterministic() throws {
    let seeds = try seeds()
    var first = SafetensorsMutator(seed: 42, seeds: seeds)
    var second = SafetensorsMutator(seed: 42, seeds: seeds)
    for index in 0..<500 {
      XCTAssertEqual(first.next(), second.next(), "input \(index)")
    }
  }

  func testMutationsChangeInputs() throws {
    let seeds = try seeds()
    var mutator = SafetensorsMutator(seed: 7, seeds: seeds)
    let changed = (0..<1_000).filter { _ in
      let seed = seeds[mutator.random(seeds.count)]
      return mutator.mutate(seed) != seed
    }.count
    XCTAssertGreaterThan(changed, 900, "most mutations should change the input")
  }

  func testLocatesFieldsAndEntries() throws {
    let header =
      "{\"a\\\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
      + "\"c\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[24,28]}}"
    let text = Array(header.utf8)
    let shapes = SafetensorsMutator.valueRanges(of: "shape", in: text).map {
      String(decoding: text[$0], as: UTF8.self)
    }
    XCTAssertEqual(shapes, ["[2,3]", "[]"])
    let entries = SafetensorsMutator.entryRanges(in: text).map {
      String(decoding: text[$0], as: UTF8.self)
    }
    XCTAssertEqual(entries.count, 2)
    XCTAssertTrue(entries[0].hasPrefix("\"a\\\"b\":{"), entries[0])
    XCTAssertTrue(entries[1].hasSuffix("[24,28]}"), entries[1])
    let numbers = SafetensorsMutator.numberRuns(in: Array("[-12,3e4]".utf8))
    XCTAssertEqual(numbers, [1..<4, 5..<6, 7..<8])
  }
}
