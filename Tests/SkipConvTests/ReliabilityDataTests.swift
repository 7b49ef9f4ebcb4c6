import Foundation
import XCTest

@testable import SkipConv

/// The data layer under bad and awkward input: valid files keep every row, and broken rows are
/// named by file and line or skipped and counted.
final class ReliabilityDataTests: XCTestCase {
  /// Random valid CSV files (quotes, commas and line breaks inside fields, LF or CRLF, with or
  /// without a byte order mark) read back row for row.
  func testValidFileKeepsEveryRow() throws {
    let folder = try TemporaryFolder()
    var generator = SeededGenerator(seed: 0xC5F0_0001)
    for index in 0..<24 {
      let columns = 2 + index % 3
      let rows = CSVFixtures.randomRows(
        &generator, count: 50 + index * 7, columns: columns, labels: ["1", "2", "3", "10"])
      let bytes = CSVFixtures.encode(
        rows, lineEnding: index % 2 == 0 ? "\n" : "\r\n", byteOrderMark: index % 4 < 2,
        quoteAll: index % 3 == 0)
      let url = try folder.write("valid-\(index).csv", bytes: bytes)
      let result = try DatasetReader.read(url, options: ReadOptions(cleaning: TextCleaning.none))
      let context = "file \(index)"
      XCTAssertEqual(result.report.rowsRead, rows.count, context)
      XCTAssertEqual(result.report.rowsUsed, rows.count, context)
      XCTAssertEqual(result.report.rowsSkippedTotal, 0, context)
      XCTAssertEqual(result.report.rowsWithLatin1, 0, context)
      XCTAssertEqual(result.examples.count, rows.count, context)
      XCTAssertEqual(result.examples.map(\.label), rows.map { $0[0] }, context)
      XCTAssertEqual(
        result.examples.map(\.text), rows.map { $0[1...].joined(separator: " ") }, context)
      XCTAssertEqual(result.examples.map(\.line), CSVFixtures.startLines(rows), context)
    }
  }

  /// A quote missing in the middle of a file makes a field swallow the next line; the reader
  /// names the row instead of returning one merged row.
  func testUnbalancedQuoteNamesRow() throws {
    let folder = try TemporaryFolder()
    let lines = ["1,\"good one\",\"text\"", "2,\"never closed, x", "1,\"next row\",\"y\"",
      "2,\"last row\",\"z\""]
    let csv = try folder.write("unbalanced.csv", lines.joined(separator: "\n") + "\n")
    assertDataError(
      .malformedRow(
        file: csv.path, line: 2,
        expected: "a ',' or a line end after the closing quote on line 3, found more text; a "
          + "'\"' in this row is missing or extra"),
      containing: ["unbalanced.csv:2:", "line 3", "missing or extra", "--skip-invalid"]
    ) { try DatasetReader.read(csv) }

    // Skipped, the merged lines 2 and 3 count as one invalid row and line 4 is read.
    let result = try DatasetReader.read(csv, options: ReadOptions(skipInvalid: true))
    XCTAssertEqual(result.examples.map(\.line), [1, 4])
    XCTAssertEqual(result.report.rowsRead, 3)
    XCTAssertEqual(result.report.rowsSkipped, [.malformedRow: 1])
    let summary = result.report.summary
    XCTAssertTrue(summary.contains("1 skipped (1 row not in the file's format)"), summary)
  }

  /// Text after a closing quote on the same line stays a lenient reading, not an error.
  func testTextAfterQuoteOnOneLineIsKept() throws {
    let folder = try TemporaryFolder()
    let csv = try folder.write("lenient.csv", "1,\"quoted\"tail,\"b\"\n2,\"two\nlines\",c\n")
    let result = try DatasetReader.read(csv, options: ReadOptions(cleaning: TextCleaning.none))
    XCTAssertEqual(result.examples.map(\.text), ["quotedtail b", "two\nlines c"])
    XCTAssertEqual(result.examples.map(\.line), [1, 2])
  }

  /// Bytes that are not UTF-8 are read as ISO-8859-1 so no row is lost, and the summary names
  /// the count and the first such line.
  func testLatin1RowsNamedInSummary() throws {
    let folder = try TemporaryFolder()
    var bytes = Array("1,plain,text\n2,more,text\n".utf8)
    bytes += Array("1,caf".utf8) + [0xE9] + Array(",au lait\n".utf8)
    bytes += Array("2,na".utf8) + [0xEF, 0xFF] + Array("ve,x\n".utf8)
    let csv = try folder.write("latin.csv", bytes: bytes)
    let result = try DatasetReader.read(csv)
    XCTAssertEqual(result.examples.count, 4)
    XCTAssertEqual(result.examples[2].text, "café au lait")
    XCTAssertEqual(result.report.rowsWithLatin1, 2)
    XCTAssertEqual(result.report.firstLatin1Line, 3)
    XCTAssertTrue(
      result.report.summary.hasSuffix(
        "; 2 rows not valid UTF-8 were read as ISO-8859-1 (first on line 3); convert the file "
          + "to UTF-8 if that reading is wrong"), result.report.summary)
  }

  /// Texts shorter than the default minimum length of 5 ids are padded only up to `maxLength`.
  func testMaxLengthBelowFiveEncodes() throws {
    let vocabulary = try Vocabulary.build(
      from: ["a b c d e f"], tokenizer: .word, minimumCount: 1, maximumSize: 100)
    for maxLength in 1...6 {
      let encoder = try SequenceEncoder(
        tokenizer: .word, vocabulary: vocabulary, maxLength: maxLength)
      XCTAssertEqual(encoder.minLength, min(5, maxLength))
      XCTAssertEqual(encoder.encode("a").count, min(5, maxLength), "maxLength \(maxLength)")
      XCTAssertEqual(encoder.encode("a b c d e f").count, maxLength, "maxLength \(maxLength)")
    }
  }

  /// Writes a TSV training file with one row of the class `rare` among `count` rows.
  private func writeTrainingFile(_ folder: TemporaryFolder, count: Int) throws -> URL {
    var generator = SeededGenerator(seed: 0x7A1E)
    var lines = (0..<count - 1).map { index in
      "\(index % 2 == 0 ? "pos" : "neg")\t" + CSVFixtures.randomField(&generator)
        .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
    lines.insert("rare\tthe only row of its class", at: count / 2)
    return try folder.write("train.tsv", lines.joined(separator: "\n") + "\n")
  }

  /// A class whose only row is held out for validation is still a class of the model.
  func testHeldOutClassStaysKnown() throws {
    let folder = try TemporaryFolder()
    let train = try writeTrainingFile(folder, count: 30)
    var heldOutSeeds = 0
    for seed in 1...20 {
      var options = TrainingJobOptions(
        source: .files(train: train, validation: nil, test: nil),
        outputDirectory: folder.url.appendingPathComponent("out"))
      options.settings.seed = UInt64(seed)
      options.validationFraction = 0.2
      let data = try TrainingJob(options: options, backend: ReferenceBackend())
        .prepareData(resumed: nil)
      XCTAssertEqual(data.labels.labels, ["neg", "pos", "rare"], "seed \(seed)")
      XCTAssertEqual(data.train.count + data.validation.count, 30, "seed \(seed): rows lost")
      if data.splits.validation.contains(where: { $0.label == "rare" }) {
        heldOutSeeds += 1
      }
    }
    XCTAssertGreaterThan(heldOutSeeds, 0, "no seed held out the rare row, so nothing was tested")
  }

  /// A test label that training never saw: an error naming the test file and line, or with
  /// skipInvalid a row skipped and counted in the test file's report.
  func testUnseenTestLabelIsNamedOrCounted() throws {
    let folder = try TemporaryFolder()
    let train = try folder.write("train.tsv", "pos\tgood film\nneg\tbad film\npos\tfine\n")
    let test = try folder.write("test.tsv", "pos\tgreat\nmixed\tso so\nneg\tawful\n")
    var options = TrainingJobOptions(
      source: .files(train: train, validation: train, test: test),
      outputDirectory: folder.url.appendingPathComponent("out"))
    assertDataError(
      .unknownLabel(file: test.path, line: 2, label: "mixed", known: ["neg", "pos"]),
      containing: ["test.tsv:2:", "label 'mixed'", "--skip-invalid"]
    ) { try TrainingJob(options: options, backend: ReferenceBackend()).prepareData(resumed: nil) }

    options.readOptions.skipInvalid = true
    let data = try TrainingJob(options: options, backend: ReferenceBackend())
      .prepareData(resumed: nil)
    XCTAssertEqual(data.test?.count, 2)
    let report = try XCTUnwrap(data.splits.reports.last)
    XCTAssertEqual(report.file, test.path)
    XCTAssertEqual(report.rowsRead, 3)
    XCTAssertEqual(report.rowsUsed, 2)
    XCTAssertEqual(report.rowsSkipped, [.unknownLabel: 1])
    XCTAssertEqual(data.splits.reports[0].rowsUsed, 3, "the training report must not change")
  }
}
