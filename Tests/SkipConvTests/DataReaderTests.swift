import Foundation
import XCTest

@testable import SkipConv

/// The folder of the published dataset files: `$SKIPCONV_TEST_DATA`, else the nearest
/// `shared/datasets` beside the package root or one of its parent folders (`../shared/datasets`
/// for a checkout next to the data).
func testDataDirectory(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
  if let path = ProcessInfo.processInfo.environment["SKIPCONV_TEST_DATA"], !path.isEmpty {
    return URL(fileURLWithPath: path, isDirectory: true)
  }
  var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  while folder.path != "/" {
    folder = folder.deletingLastPathComponent()
    let candidate = folder.appendingPathComponent("shared/datasets", isDirectory: true)
    if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
      return candidate
    }
  }
  let message =
    "dataset files not found: set SKIPCONV_TEST_DATA to the folder that holds "
    + "sst2/, trec/ and ag_news/"
  XCTFail(message, file: file, line: line)
  throw DataError.fileNotFound(path: "shared/datasets")
}

/// The published file `name` of dataset folder `dataset`.
func testDataFile(_ dataset: String, _ name: String) throws -> URL {
  try testDataDirectory().appendingPathComponent(dataset).appendingPathComponent(name)
}

/// A folder under the system temporary directory, removed when the object is released.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("skipconv-data-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: url)
  }

  /// Writes `bytes` to `name` (which may contain subfolders) and returns its URL.
  @discardableResult
  func write(_ name: String, bytes: [UInt8]) throws -> URL {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file
  }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> URL {
    try write(name, bytes: Array(text.utf8))
  }
}

/// Asserts that `body` raises `expected`, and that its message contains each of `fragments`.
func assertDataError<T>(
  _ expected: DataError, containing fragments: [String] = [], file: StaticString = #filePath,
  line: UInt = #line, _ body: () throws -> T
) {
  do {
    _ = try body()
    XCTFail("expected \(expected), nothing was raised", file: file, line: line)
  } catch let error as DataError {
    XCTAssertEqual(error, expected, file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "'\(error)' lacks '\(fragment)'", file: file,
        line: line)
    }
  } catch {
    XCTFail("expected \(expected), raised \(error)", file: file, line: line)
  }
}

/// Counts of each label in `examples`.
func labelCounts(_ examples: [LabelledExample]) -> [String: Int] {
  examples.reduce(into: [:]) { $0[$1.label, default: 0] += 1 }
}

/// Reads of the published dataset files, checked against their documented row and class counts.
final class DataReaderTests: XCTestCase {
  func testSST2TrainCounts() throws {
    let result = try DatasetReader.read(try testDataFile("sst2", "sentiment-train"))
    XCTAssertEqual(result.report.format, .tsv)
    XCTAssertEqual(result.examples.count, 67_349)
    XCTAssertEqual(result.report.rowsRead, 67_349)
    XCTAssertEqual(result.report.rowsUsed, 67_349)
    XCTAssertNil(result.report.header)
    XCTAssertEqual(labelCounts(result.examples), ["1": 37_569, "0": 29_780])
    let first = result.examples[0]
    XCTAssertEqual(first.text, "hide new secretions from the parental units")
    XCTAssertEqual(first.label, "0")
    XCTAssertEqual(first.line, 1)
    XCTAssertEqual(result.examples.last?.line, 67_349)
    XCTAssertFalse(result.examples.contains { $0.text.hasSuffix(" ") || $0.text.contains("\t") })
    let nonASCII = result.examples.filter { !$0.text.unicodeScalars.allSatisfy(\.isASCII) }
    XCTAssertEqual(nonASCII.count, 438)
    XCTAssertEqual(result.examples.filter { $0.text.contains("é") }.count, 379)
    XCTAssertEqual(result.report.rowsWithLatin1, 0)
  }

  func testSST2DevAndTestCounts() throws {
    let dev = try DatasetReader.read(try testDataFile("sst2", "sentiment-dev"))
    XCTAssertEqual(dev.examples.count, 872)
    XCTAssertEqual(labelCounts(dev.examples), ["1": 444, "0": 428])
    let test = try DatasetReader.read(try testDataFile("sst2", "sentiment-test"))
    XCTAssertEqual(test.examples.count, 1_821)
    XCTAssertEqual(labelCounts(test.examples), ["1": 909, "0": 912])
  }

  func testTRECTrainCoarseCounts() throws {
    let result = try DatasetReader.read(try testDataFile("trec", "train_5500.label"))
    XCTAssertEqual(result.report.format, .trec)
    XCTAssertEqual(result.examples.count, 5_452)
    XCTAssertEqual(
      labelCounts(result.examples),
      ["ABBR": 86, "DESC": 1_162, "ENTY": 1_250, "HUM": 1_223, "LOC": 835, "NUM": 896])
    XCTAssertEqual(result.report.rowsWithLatin1, 1)
  }

  func testTRECLatin1Line() throws {
    let result = try DatasetReader.read(try testDataFile("trec", "train_5500.label"))
    let example = try XCTUnwrap(result.examples.first { $0.line == 66 })
    XCTAssertTrue(example.text.contains("sister\u{F0}city"), example.text)
    XCTAssertTrue(example.text.contains("ð"))
    XCTAssertEqual(result.examples.filter { $0.text.contains("ð") }.map(\.line), [66])
  }

  func testTRECFineLabels() throws {
    let options = ReadOptions(labelGranularity: .fine)
    let train = try DatasetReader.read(
      try testDataFile("trec", "train_5500.label"), options: options)
    XCTAssertEqual(Set(train.examples.map(\.label)).count, 50)
    XCTAssertEqual(train.examples[79].label, "LOC:country")
    XCTAssertEqual(train.examples[79].line, 80)
    let test = try DatasetReader.read(try testDataFile("trec", "TREC_10.label"), options: options)
    XCTAssertEqual(test.examples.count, 500)
    XCTAssertEqual(Set(test.examples.map(\.label)).count, 42)
  }

  func testTRECTestCoarseCounts() throws {
    let result = try DatasetReader.read(try testDataFile("trec", "TREC_10.label"))
    XCTAssertEqual(result.examples.count, 500)
    XCTAssertEqual(
      labelCounts(result.examples),
      ["ABBR": 9, "DESC": 138, "ENTY": 94, "HUM": 65, "LOC": 81, "NUM": 113])
    XCTAssertEqual(result.report.rowsWithLatin1, 0)
  }

  func testAGNewsTestCounts() throws {
    let result = try DatasetReader.read(try testDataFile("ag_news", "test.csv"))
    XCTAssertEqual(result.report.format, .csv)
    XCTAssertEqual(result.examples.count, 7_600)
    XCTAssertEqual(result.report.rowsUsed, 7_600)
    XCTAssertEqual(
      labelCounts(result.examples),
      ["World": 1_900, "Sports": 1_900, "Business": 1_900, "Sci/Tech": 1_900])
    XCTAssertEqual(result.examples.last?.line, 7_600)
  }

  func testAGNewsTextCleaning() throws {
    let examples = try DatasetReader.read(try testDataFile("ag_news", "test.csv")).examples
    let texts = examples.map(\.text)
    XCTAssertEqual(texts.filter { $0.contains("\\") }.count, 0)
    XCTAssertEqual(texts.filter { $0.contains(" #39;") || $0.contains(" quot;") }.count, 0)
    XCTAssertEqual(texts.filter { $0.contains("&lt;") || $0.contains("&gt;") }.count, 0)
    XCTAssertEqual(texts.filter { $0.contains("  ") || $0.hasPrefix(" ") }.count, 0)
    let first = examples[0]
    XCTAssertEqual(first.label, "Business")
    XCTAssertTrue(first.text.hasPrefix("Fears for T N pension after talks Unions representing"))
    XCTAssertTrue(texts.contains { $0.contains("isn't") })
    XCTAssertTrue(texts.contains { $0.contains("Johnson & Johnson") })
    XCTAssertTrue(texts.contains { $0.contains("social network") })
    XCTAssertTrue(texts.contains { $0.contains("over $1 billion") })
  }

  func testAGNewsRawLabelsWithoutClasses() throws {
    let folder = try TemporaryFolder()
    let source = try Data(contentsOf: try testDataFile("ag_news", "test.csv"))
    let copy = try folder.write("news.csv", bytes: [UInt8](source))
    let result = try DatasetReader.read(copy)
    XCTAssertEqual(labelCounts(result.examples), ["1": 1_900, "2": 1_900, "3": 1_900, "4": 1_900])
  }

  func testFormatChoiceOrder() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("rows.txt", "__label__a first text\n__label__b second text\n")
    XCTAssertEqual(try DatasetReader.read(file).report.format, .fastText)
    let asTSV = try folder.write("rows.data", "1\tsome text\n0\tother text\n")
    XCTAssertEqual(try DatasetReader.read(asTSV).report.format, .tsv)
    let trec = try folder.write("questions", "LOC:city Where is Lyon ?\n")
    XCTAssertEqual(try DatasetReader.read(trec).report.format, .trec)
    let named = try DatasetReader.read(trec, options: ReadOptions(datasetName: "trec"))
    XCTAssertEqual(named.report.format, .trec)
    let explicit = try DatasetReader.read(asTSV, options: ReadOptions(format: .tsv))
    XCTAssertEqual(explicit.examples.map(\.label), ["1", "0"])
    XCTAssertEqual(try DatasetFormat.parse("FastText"), .fastText)
    XCTAssertEqual(
      try DatasetFormat.resolve(
        explicit: nil, datasetName: "sst2", file: URL(fileURLWithPath: "x.csv"), firstLine: ""),
      .tsv)
    XCTAssertEqual(
      try DatasetFormat.resolve(
        explicit: nil, datasetName: "mine", file: URL(fileURLWithPath: "x.label"), firstLine: ""),
      .trec)
  }
}
