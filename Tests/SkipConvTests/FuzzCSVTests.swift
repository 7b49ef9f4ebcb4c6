import Foundation
import XCTest

@testable import SkipConv

/// Fuzzes the CSV reader with seeded mutations of valid files, checks each outcome against an
/// independent reading of the rules and the reader's own invariants, and replays the corpus of
/// stored inputs.
///
/// Environment variables:
/// - `SKIPCONV_FUZZ_ITERATIONS`: number of inputs (default 100000).
/// - `SKIPCONV_FUZZ_SEED`: mutation seed (default fixed, so every run reads the same inputs).
/// - `SKIPCONV_FUZZ_CORPUS_OUT`: folder to write the smallest input of each outcome to.
/// - `SKIPCONV_FUZZ_TRACE`: file to write each input to before it is read, so that a crash
///   leaves the crashing input there.
final class FuzzCSVTests: XCTestCase {
  private static var environment: [String: String] { ProcessInfo.processInfo.environment }
  static let corpusFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Corpus/csv")
  /// Class names for the inputs read with a `classes.txt` mapping.
  private static let classNames = ClassNames(names: ["World", "Sports", "Business", "Sci/Tech"])

  /// Returns the valid files to mutate: random rows of two to four columns, with and without a
  /// header, a byte order mark and CRLF, and the valid corpus files.
  private func seedFiles() throws -> [[UInt8]] {
    var generator = SeededGenerator(seed: 0xC5F0_5EED)
    var seeds: [[UInt8]] = (0..<16).map { index in
      var rows = CSVFixtures.randomRows(
        &generator, count: 2 + index % 3, columns: 2 + index % 3, labels: ["1", "2", "3", "4"])
      if index % 5 == 0 {
        rows.insert(["class", "title", "description"].prefix(rows[0].count).map { $0 }, at: 0)
      }
      return CSVFixtures.encode(
        rows, lineEnding: index % 2 == 0 ? "\n" : "\r\n", byteOrderMark: index % 3 == 0,
        quoteAll: index % 4 == 0)
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpusFolder.path)
    for name in names.sorted() where name.hasPrefix("valid") {
      seeds.append(try Array(Data(contentsOf: Self.corpusFolder.appendingPathComponent(name))))
    }
    return seeds
  }

  /// Returns the name of the case of `error`, such as `wrongColumnCount`.
  static func kind(of error: DataError) -> String {
    Mirror(reflecting: error).children.first?.label ?? "\(error)"
  }

  /// Returns the line of a row-level error, or nil for an error about the whole file.
  private static func line(of error: DataError) -> Int? {
    switch error {
    case .wrongColumnCount(_, let line, _, _), .unterminatedQuote(_, let line),
      .unknownLabel(_, let line, _, _), .emptyText(_, let line), .malformedRow(_, let line, _):
      return line
    default:
      return nil
    }
  }

  /// Reads `input` strictly and with skipInvalid, checks both outcomes, and returns the strict
  /// outcome's kind (`valid` or a `DataError` case).
  private func check(_ input: [UInt8], index: Int) -> String {
    let name = "fuzz input \(index)"
    let file = DataFile(path: name, bytes: input)
    let lineCount = input.filter { $0 == 0x0A }.count + 1
    let classNames = index % 2 == 0 ? Self.classNames : nil
    XCTAssertEqual(
      sequence(state: CSVScanner(file: file)) { $0.next() }.map(ScannedRecord.init),
      referenceCSVRecords(file), "\(name): scanner and reference disagree")

    func read(skipInvalid: Bool) -> Result<ReadResult, DataError> {
      Result {
        try DatasetReader.read(
          file, format: .csv, classNames: classNames,
          options: ReadOptions(skipInvalid: skipInvalid))
      }.mapError { error in
        guard let error = error as? DataError else {
          XCTFail("\(name) raised \(type(of: error)), not DataError: \(error)")
          return DataError.invalidMetadata("\(error)")
        }
        return error
      }
    }
    // A file read with nothing skipped is valid, and reading it strictly gives the same rows,
    // which `testCorpusInputsGiveExpectedOutcome` checks; other inputs are read both ways.
    let skipping = read(skipInvalid: true)
    if case .success(let skipped) = skipping, skipped.report.rowsSkippedTotal == 0 {
      checkAccepted(skipped, name: name, lineCount: lineCount)
      return "valid"
    }
    let strict = read(skipInvalid: false)
    switch (strict, skipping) {
    case (.success, .success(let skipped)):
      XCTFail("\(name): read strictly, but skipInvalid skipped \(skipped.report.summary)")
      return "inconsistent"
    case (.failure(let error), .success(let skipped)):
      let line = Self.line(of: error)
      XCTAssertNotNil(line, "\(name): \(error) is about the file, yet skipInvalid read it")
      XCTAssertTrue((1...lineCount).contains(line ?? 0), "\(name): line \(line ?? 0): \(error)")
      XCTAssertTrue(error.description.hasPrefix("\(name):\(line ?? 0): "), "\(error)")
      XCTAssertGreaterThan(skipped.report.rowsSkippedTotal, 0, "\(name): \(error) not skipped")
      checkAccepted(skipped, name: name, lineCount: lineCount)
      return Self.kind(of: error)
    case (.failure(let error), .failure(let skippedError)):
      XCTAssertNil(Self.line(of: skippedError), "\(name): skipInvalid raised \(skippedError)")
      XCTAssertTrue(error.description.hasPrefix(name), "\(error)")
      return Self.kind(of: error)
    case (.success, .failure(let skippedError)):
      XCTFail("\(name): read strictly, but skipInvalid raised \(skippedError)")
      return "inconsistent"
    }
  }

  /// Checks the counts and rows of a successful read with skipInvalid.
  private func checkAccepted(_ result: ReadResult, name: String, lineCount: Int) {
    let report = result.report
    XCTAssertEqual(report.rowsRead, report.rowsUsed + report.rowsSkippedTotal, name)
    XCTAssertEqual(result.examples.count, report.rowsUsed, name)
    XCTAssertGreaterThan(result.examples.count, 0, name)
    let lines = result.examples.map(\.line)
    XCTAssertEqual(lines, lines.sorted(), "\(name): rows out of order")
    XCTAssertEqual(Set(lines).count, lines.count, "\(name): two rows on one line")
    XCTAssertTrue(lines.allSatisfy { (1...lineCount).contains($0) }, "\(name): \(lines)")
    XCTAssertFalse(result.examples.contains { $0.text.isEmpty }, "\(name): empty text kept")
  }

  func testMutatedFilesNeverCrashReader() throws {
    let iterations = Int(Self.environment["SKIPCONV_FUZZ_ITERATIONS"] ?? "") ?? 100_000
    let seed = UInt64(Self.environment["SKIPCONV_FUZZ_SEED"] ?? "") ?? 0xC5F0_F022
    let trace = Self.environment["SKIPCONV_FUZZ_TRACE"].map(URL.init(fileURLWithPath:))
    var mutator = CSVMutator(seed: seed, seeds: try seedFiles())
    var counts: [String: Int] = [:]
    var smallest: [String: [UInt8]] = [:]
    var bytesRead = 0
    let clock = ContinuousClock()
    let start = clock.now
    for index in 0..<iterations {
      let input = mutator.next()
      if let trace {
        try Data(input).write(to: trace)
      }
      bytesRead += input.count
      let outcome = check(input, index: index)
      counts[outcome, default: 0] += 1
      if input.count < smallest[outcome]?.count ?? Int.max {
        smallest[outcome] = input
      }
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds)
      + Double(elapsed.components.attoseconds) / 1e18
    let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
    print(
      "fuzzed \(iterations) CSV inputs (seed \(seed), \(bytesRead / max(iterations, 1)) bytes on "
        + "average) in \(String(format: "%.1f", seconds)) s, "
        + "\(Int(Double(iterations) / max(seconds, 1e-9))) inputs per second: \(summary)")

    if let folder = Self.environment["SKIPCONV_FUZZ_CORPUS_OUT"] {
      for (outcome, input) in smallest {
        let url = URL(fileURLWithPath: folder).appendingPathComponent("\(outcome)-fuzz.csv")
        try Data(input).write(to: url)
      }
    }
    // The mutations are meant to reach every row error; a missing one means a mutation stopped
    // working or a check became unreachable.
    if iterations >= 100_000 {
      let expected = [
        "valid", "wrongColumnCount", "unterminatedQuote", "malformedRow", "unknownLabel",
        "emptyText", "emptyFile", "headerOnly",
      ]
      let missing = expected.filter { counts[$0] == nil }
      XCTAssertEqual(missing, [], "outcomes the fuzzer never produced")
    }
  }

  /// Returns the outcome a corpus file name states: `valid` or a `DataError` case, optionally
  /// after `crash-` and before `-<detail>`.
  private func expectedOutcome(ofCorpusFile name: String) -> String {
    var stem = String(name.dropLast(".csv".count))
    if stem.hasPrefix("crash-") {
      stem.removeFirst("crash-".count)
    }
    return String(stem.split(separator: "-").first ?? "")
  }

  func testCorpusInputsGiveExpectedOutcome() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpusFolder.path)
      .filter { $0.hasSuffix(".csv") }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, 8, "the CSV corpus is missing")
    var covered = Set<String>()
    for name in names {
      let url = Self.corpusFolder.appendingPathComponent(name)
      let expected = expectedOutcome(ofCorpusFile: name)
      covered.insert(expected)
      // Through the file path, as a user's file is read, so the corpus also covers loading.
      do {
        let result = try DatasetReader.read(url, options: ReadOptions(format: .csv))
        XCTAssertEqual(expected, "valid", "\(name) was read: \(result.report.summary)")
        XCTAssertEqual(result.report.rowsUsed, result.report.rowsRead, name)
        let skipped = try DatasetReader.read(
          url, options: ReadOptions(format: .csv, skipInvalid: true))
        XCTAssertEqual(skipped.examples, result.examples, "\(name): skipInvalid changed the rows")
      } catch let error as DataError {
        XCTAssertEqual(Self.kind(of: error), expected, "\(name): \(error)")
        XCTAssertTrue(error.description.hasPrefix(url.path), "\(name): \(error)")
      }
      _ = check(try Array(Data(contentsOf: url)), index: -1)
    }
    let missing = ["valid", "wrongColumnCount", "unterminatedQuote", "malformedRow", "emptyText",
      "emptyFile", "headerOnly"].filter { !covered.contains($0) }
    XCTAssertEqual(missing, [], "outcomes without a corpus input")
  }
}
