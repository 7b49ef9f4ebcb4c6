import Foundation
import XCTest

@testable import SkipConv

/// Bad and awkward data files through `skipconv train --train FILE`. An error names the file,
/// the line and what was expected, and `--skip-invalid` skips and counts the row. A valid file
/// keeps every row.
final class ReliabilityDataCommandTests: XCTestCase {
  /// 40 valid AG News style rows (classes 1 and 2, title and description), one per line.
  private func validRows() -> [String] {
    var generator = SeededGenerator(seed: 0xDA7A)
    return (0..<40).map { index in
      let title = CSVFixtures.plainWords.shuffled(using: &generator).prefix(4)
        .joined(separator: " ")
      return "\"\(1 + index % 2)\",\"\(title), \"\"quoted\"\"\",\"words \(index) here\""
    }
  }

  /// `validRows()` with `row` inserted as line 6.
  private func rows(with row: String) -> String {
    var lines = validRows()
    lines.insert(row, at: 5)
    return lines.joined(separator: "\n") + "\n"
  }

  private func train(_ file: URL, _ extra: [String] = [], output: URL) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    try runSkipConv(
      ["train", "--train", file.path, "--out", output.path] + tinyModelOptions + extra)
  }

  /// Returns the train and validation counts of the `examples:` line of a training run.
  private func exampleCounts(_ stderr: String) throws -> Int {
    let pattern = try Regex(#"examples: (\d+) train, (\d+) validation"#)
    let match = try XCTUnwrap(stderr.firstMatch(of: pattern), stderr)
    let train = Int(match.output[1].substring ?? "") ?? -1
    let validation = Int(match.output[2].substring ?? "") ?? -1
    return train + validation
  }

  func testInvalidFilesNameFileAndLine() throws {
    let folder = try TemporaryFolder()
    let output = folder.url.appendingPathComponent("out")
    // A finished run in the output folder, whose checkpoint no failed run may touch.
    let good = try folder.write("good.csv", validRows().joined(separator: "\n") + "\n")
    XCTAssertEqual(try train(good, output: output).status, 0)
    let checkpoint = try Data(contentsOf: output.appendingPathComponent("last.safetensors"))

    try folder.write("news/classes.txt", "World\nSports\n")
    let cases: [(name: String, content: String, fragment: String, skipped: String?)] = [
      ("columns.csv", rows(with: "\"1\",\"only a title\""), ":6: expected 3 columns, found 2",
        "1 row with a wrong number of columns"),
      ("quote.csv", validRows().joined(separator: "\n") + "\n\"2\",\"open,x\n",
        ":41: unterminated quoted field, expected a closing '\"'", "1 row with an unterminated quote"),
      ("unbalanced.csv", rows(with: "\"2\",\"never closed, x"),
        ":6: expected a ',' or a line end after the closing quote on line 7", "1 row not in the file's format"),
      ("news/label.csv", rows(with: "\"7\",\"a b\",\"c d\""),
        ":6: label '7' is not a known class, expected one of 1 (World), 2 (Sports)",
        "1 row with an unknown label"),
      ("empty-text.csv", rows(with: "\"2\",\" \",\"\""),
        ":6: empty text, expected a label and a non-empty text", "1 row with an empty text"),
      ("empty.csv", "", ": file is empty, expected at least one row", nil),
      ("header.csv", "\"class\",\"title\",\"description\"\r\n", ": contains only the header line",
        nil),
    ]
    for (name, content, fragment, skipped) in cases {
      let file = try folder.write(name, content)
      // --overwrite gets past the earlier run's checkpoints, which a failed run must keep.
      let result = try train(file, ["--overwrite"], output: output)
      XCTAssertEqual(result.status, 4, "\(name): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("error: \(file.path)\(fragment)"), result.stderr)
      guard let skipped else { continue }
      XCTAssertTrue(result.stderr.contains("skip such rows with --skip-invalid"), result.stderr)

      let skipping = try train(
        file, ["--skip-invalid"], output: folder.url.appendingPathComponent("skip-\(name)"))
      XCTAssertEqual(skipping.status, 0, "\(name): \(skipping.stderr)")
      let read = name == "unbalanced.csv" ? 40 : 41
      XCTAssertTrue(
        skipping.stderr.contains(
          "\(file.path) (csv): \(read) rows read, \(read - 1) used, 1 skipped (\(skipped))"),
        "\(name): \(skipping.stderr)")
      XCTAssertEqual(try exampleCounts(skipping.stderr), read - 1, name)
    }

    for (name, expected) in [("absent.csv", "file not found"), ("news", "is a folder")] {
      let path = folder.url.appendingPathComponent(name).path
      let result = try runSkipConv(["train", "--train", path, "--out", output.path, "--overwrite"])
      XCTAssertEqual(result.status, 4, result.stderr)
      XCTAssertTrue(result.stderr.contains("error: \(path): \(expected)"), result.stderr)
    }
    let after = try Data(contentsOf: output.appendingPathComponent("last.safetensors"))
    XCTAssertEqual(after, checkpoint, "a failed run changed the previous checkpoint")
  }

  /// A test label that training never saw, through `--test`.
  func testUnseenTestLabelNamesTestFile() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let test = try folder.write("test.tsv", "1\tred green\n2\tblue teal\n0\tgold\n")
    let output = folder.url.appendingPathComponent("out").path
    let result = try runSkipConv(
      ["train", "--train", train.path, "--test", test.path, "--out", output] + tinyModelOptions)
    XCTAssertEqual(result.status, 4, result.stderr)
    let expected = "\(test.path):2: label '2' is not a known class, expected one of 0, 1"
    XCTAssertTrue(result.stderr.contains(expected), result.stderr)
    let skipping = try runSkipConv(
      ["train", "--train", train.path, "--test", test.path, "--out", output, "--skip-invalid"]
        + tinyModelOptions)
    XCTAssertEqual(skipping.status, 0, skipping.stderr)
    let summary = "\(test.path) (tsv): 3 rows read, 2 used, 1 skipped (1 row with an unknown label)"
    XCTAssertTrue(skipping.stderr.contains(summary), skipping.stderr)
    XCTAssertTrue(skipping.stderr.contains(", 2 test;"), skipping.stderr)
  }

  /// `evaluate` names a label the model does not know, or skips and counts it.
  func testEvaluateCountsUnknownLabels() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("out")
    XCTAssertEqual(
      try runSkipConv(["train", "--train", train.path, "--out", output.path] + tinyModelOptions)
        .status, 0)
    let checkpoint = output.appendingPathComponent(TrainingOutput.lastCheckpoint).path
    let data = try folder.write("score.tsv", "1\tred green\n7\tblue teal\n0\tgold\n")
    let strict = try runSkipConv(["evaluate", "--checkpoint", checkpoint, "--data", data.path])
    XCTAssertEqual(strict.status, 4, strict.stderr)
    XCTAssertTrue(strict.stderr.contains("\(data.path):2: label '7' is not a known class"))
    let skipping = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint, "--data", data.path, "--skip-invalid"])
    XCTAssertEqual(skipping.status, 0, skipping.stderr)
    let summary = "\(data.path) (tsv): 3 rows read, 2 used, 1 skipped (1 row with an unknown label)"
    XCTAssertTrue(skipping.stdout.contains(summary), skipping.stdout)
    XCTAssertTrue(skipping.stdout.contains("examples: 2 "), skipping.stdout)

    let unknown = try folder.write("unknown.tsv", "7\tblue\n8\tred\n")
    let none = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint, "--data", unknown.path, "--skip-invalid"])
    XCTAssertEqual(none.status, 4, none.stderr)
    XCTAssertTrue(none.stderr.contains("\(unknown.path): all 2 rows are invalid"), none.stderr)
  }

  /// Files that are valid but awkward keep every row.
  func testAwkwardValidFilesKeepEveryRow() throws {
    let folder = try TemporaryFolder()
    let lines = validRows()
    var latin1 = Array(lines.joined(separator: "\n").utf8) + Array("\n\"1\",\"caf".utf8)
    latin1 += [0xE9] + Array(" au lait\",\"x\"\n".utf8)
    let longText = (0..<2_300_000).map { ["red", "green", "blue"][$0 % 3] }.joined(separator: " ")
    let cases: [(String, [UInt8], Int)] = [
      ("crlf.csv", Array((lines.joined(separator: "\r\n") + "\r\n").utf8), 40),
      ("bom.csv", [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\n") + "\n").utf8), 40),
      ("latin1.csv", latin1, 41),
      ("long-line.csv", Array(rows(with: "\"1\",\"\(longText)\",\"end\"").utf8), 41),
    ]
    for (name, bytes, count) in cases {
      let file = try folder.write(name, bytes: bytes)
      let started = Date()
      let result = try train(file, output: folder.url.appendingPathComponent("out-\(name)"))
      let seconds = Date().timeIntervalSince(started)
      print("\(name): \(bytes.count) bytes trained in \(String(format: "%.1f", seconds)) s")
      XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
      XCTAssertTrue(
        result.stderr.contains("\(file.path) (csv): \(count) rows read, \(count) used, 0 skipped"),
        "\(name): \(result.stderr)")
      XCTAssertEqual(try exampleCounts(result.stderr), count, name)
    }
    let latin1Run = try train(
      folder.url.appendingPathComponent("latin1.csv"),
      output: folder.url.appendingPathComponent("out-latin1-again"))
    XCTAssertTrue(
      latin1Run.stderr.contains(
        "1 row not valid UTF-8 was read as ISO-8859-1 (first on line 41)"), latin1Run.stderr)
  }
}
