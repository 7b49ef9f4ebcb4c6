import Foundation
import XCTest

@testable import SkipConv

/// Each reader error, its message, and counting of skipped rows.
final class DataErrorTests: XCTestCase {
  func testMissingFileAndFolder() throws {
    let folder = try TemporaryFolder()
    let missing = folder.url.appendingPathComponent("absent.csv")
    assertDataError(.fileNotFound(path: missing.path), containing: [missing.path, "not found"]) {
      try DatasetReader.read(missing)
    }
    assertDataError(.notAFile(path: folder.url.path), containing: ["is a folder"]) {
      try DatasetReader.read(folder.url)
    }
  }

  func testEmptyFiles() throws {
    let folder = try TemporaryFolder()
    let empty = try folder.write("empty.tsv", "")
    assertDataError(.emptyFile(path: empty.path), containing: ["empty.tsv", "file is empty"]) {
      try DatasetReader.read(empty)
    }
    let blank = try folder.write("blank.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(" \r\n\n\t".utf8))
    assertDataError(.emptyFile(path: blank.path)) { try DatasetReader.read(blank) }
  }

  func testHeaderOnly() throws {
    let folder = try TemporaryFolder()
    let tsv = try folder.write("header.tsv", "sentence\tlabel\n\n")
    assertDataError(
      .headerOnly(path: tsv.path, header: "sentence\tlabel"),
      containing: ["only the header line", "expected rows after it"]
    ) { try DatasetReader.read(tsv) }
    let csv = try folder.write("header.csv", "\"class\",\"title\",\"description\"\r\n")
    assertDataError(.headerOnly(path: csv.path, header: "class,title,description")) {
      try DatasetReader.read(csv)
    }
  }

  func testWrongColumnCount() throws {
    let folder = try TemporaryFolder()
    let csv = try folder.write("cols.csv", "\"1\",\"a\",\"b\"\n\"2\",\"c\"\n")
    assertDataError(
      .wrongColumnCount(file: csv.path, line: 2, expected: 3, found: 2),
      containing: ["cols.csv:2:", "expected 3 columns, found 2", "--skip-invalid"]
    ) { try DatasetReader.read(csv) }
    let tsv = try folder.write("cols.tsv", "good \t1\nbad\t0\textra\nno tab here\n")
    assertDataError(.wrongColumnCount(file: tsv.path, line: 2, expected: 2, found: 3)) {
      try DatasetReader.read(tsv)
    }
  }

  func testUnterminatedQuote() throws {
    let folder = try TemporaryFolder()
    let csv = try folder.write("quote.csv", "1,a,b\n2,\"open,c\n3,d,e\n")
    assertDataError(
      .unterminatedQuote(file: csv.path, line: 2),
      containing: ["quote.csv:2:", "unterminated quoted field"]
    ) { try DatasetReader.read(csv) }
  }

  func testUnknownLabels() throws {
    let folder = try TemporaryFolder()
    try folder.write("news/classes.txt", "World\nSports\n")
    let csv = try folder.write("news/test.csv", "\"1\",\"a\",\"b\"\n\"3\",\"c\",\"d\"\n")
    assertDataError(
      .unknownLabel(file: csv.path, line: 2, label: "3", known: ["1 (World)", "2 (Sports)"]),
      containing: ["label '3' is not a known class", "1 (World), 2 (Sports)"]
    ) { try DatasetReader.read(csv) }
    let tsv = try folder.write("known.tsv", "fine film \t1\nodd \t7\n")
    let options = ReadOptions(knownLabels: ["0", "1"])
    assertDataError(
      .unknownLabel(file: tsv.path, line: 2, label: "7", known: ["0", "1"]),
      containing: ["known.tsv:2:", "expected one of 0, 1"]
    ) { try DatasetReader.read(tsv, options: options) }
  }

  func testEmptyText() throws {
    let folder = try TemporaryFolder()
    let tsv = try folder.write("text.tsv", "1\tfine\n0\t   \n")
    assertDataError(
      .emptyText(file: tsv.path, line: 2), containing: ["text.tsv:2:", "empty text"]
    ) { try DatasetReader.read(tsv) }
    let csv = try folder.write("text.csv", "1,\" \",\"\\\\\"\n")
    assertDataError(.emptyText(file: csv.path, line: 1)) { try DatasetReader.read(csv) }
  }

  func testMalformedTRECAndFastText() throws {
    let folder = try TemporaryFolder()
    let trec = try folder.write("bad.label", "LOC:city Where ?\nNOCOLON text\nHUM:ind\n")
    assertDataError(
      .malformedRow(
        file: trec.path, line: 2,
        expected: "'COARSE:fine question text', such as 'LOC:city Where is Lyon ?'"),
      containing: ["bad.label:2:", "COARSE:fine"]
    ) { try DatasetReader.read(trec) }
    let fast = try folder.write("bad.ft", "__label__a text\nplain words\n")
    assertDataError(
      .malformedRow(file: fast.path, line: 2, expected: "a line starting with '__label__X text'")
    ) { try DatasetReader.read(fast, options: ReadOptions(format: .fastText)) }
  }

  func testFormatErrors() throws {
    assertDataError(
      .unknownFormat(value: "xml", supported: ["csv", "tsv", "trec", "fasttext"]),
      containing: ["invalid format 'xml'", "csv, tsv, trec, fasttext"]
    ) { try DatasetFormat.parse("xml") }
    let folder = try TemporaryFolder()
    let file = try folder.write("plain.dat", "just some words\n")
    assertDataError(
      .undetectableFormat(path: file.path, firstLine: "just some words"),
      containing: ["cannot detect the file format"]
    ) { try DatasetReader.read(file) }
    assertDataError(
      .unknownDataset(name: "imdb", known: ["sst2", "trec", "ag_news"]),
      containing: ["unknown dataset 'imdb'", "sst2, trec, ag_news"]
    ) { try DatasetRegistry.descriptor(named: "imdb") }
  }

  func testSkipInvalidCountsReasons() throws {
    let folder = try TemporaryFolder()
    try folder.write("mixed/classes.txt", "World\nSports\nBusiness\n")
    let rows = [
      "\"1\",\"ok\",\"first\"", "\"2\",\"short\"", "\"9\",\"bad\",\"label\"", "\"3\",\" \",\"\"",
      "\"2\",\"ok\",\"second\"", "\"1\",\"a\",\"b\",\"c\"", "\"3\",\"never \"\"closed",
    ]
    let csv = try folder.write("mixed/rows.csv", rows.joined(separator: "\n") + "\n")
    let result = try DatasetReader.read(csv, options: ReadOptions(skipInvalid: true))
    XCTAssertEqual(result.examples.map(\.line), [1, 5])
    XCTAssertEqual(result.examples.map(\.label), ["World", "Sports"])
    XCTAssertEqual(result.report.rowsRead, 7)
    XCTAssertEqual(result.report.rowsUsed, 2)
    XCTAssertEqual(result.report.rowsSkippedTotal, 5)
    XCTAssertEqual(
      result.report.rowsSkipped,
      [.wrongColumnCount: 2, .unknownLabel: 1, .emptyText: 1, .unterminatedQuote: 1])
    XCTAssertEqual(
      result.report.summary,
      "\(csv.path) (csv): 7 rows read, 2 used, 5 skipped (2 rows with a wrong number of "
        + "columns, 1 row with an unterminated quote, 1 row with an unknown label, 1 row with an "
        + "empty text)")
  }

  func testSkipInvalidLineFormats() throws {
    let folder = try TemporaryFolder()
    let trec = try folder.write("q.label", "LOC:city Where ?\nbroken\nNUM:date When ?\nHUM:ind  \n")
    let result = try DatasetReader.read(trec, options: ReadOptions(skipInvalid: true))
    XCTAssertEqual(result.examples.map(\.line), [1, 3])
    XCTAssertEqual(result.report.rowsSkipped, [.malformedRow: 2])
    let invalid = try folder.write("all.ft", "no label\nnone here\n")
    let options = ReadOptions(format: .fastText, skipInvalid: true)
    assertDataError(
      .noValidRows(path: invalid.path, skipped: 2), containing: ["all 2 rows are invalid"]
    ) { try DatasetReader.read(invalid, options: options) }
  }

  func testFileErrorsIgnoreSkipInvalid() throws {
    let folder = try TemporaryFolder()
    let empty = try folder.write("e.csv", "")
    assertDataError(.emptyFile(path: empty.path)) {
      try DatasetReader.read(empty, options: ReadOptions(skipInvalid: true))
    }
  }
}
