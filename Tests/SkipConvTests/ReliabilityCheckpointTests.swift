import Foundation
import XCTest

@testable import SkipConv

/// Damaged checkpoints and checkpoints of another model through `evaluate --checkpoint`,
/// `predict --checkpoint` and `train --resume`: each a clear error with status 4, never a crash.
final class ReliabilityCheckpointTests: XCTestCase {
  /// Returns the header of a safetensors file as a JSON object, and its data.
  private func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
    let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)]))
    return (try XCTUnwrap(json as? [String: Any]), Array(bytes[(8 + length)...]))
  }

  /// Encodes `header` (padded with spaces to a multiple of 8 bytes) and `data` as a file.
  private func join(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
    var text = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    text.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8))
    return CheckpointFixtures.littleEndian(UInt64(text.count)) + Array(text) + data
  }

  /// Returns `bytes` with the entry of tensor `name` changed by `edit`.
  private func editEntry(
    _ bytes: [UInt8], _ name: String, _ edit: (inout [String: Any]) -> Void
  ) throws -> [UInt8] {
    var (header, data) = try split(bytes)
    var entry = try XCTUnwrap(header[name] as? [String: Any], name)
    edit(&entry)
    header[name] = entry
    return try join(header, data)
  }

  /// Returns the checkpoint at `url` rewritten by `change`.
  private func rewritten(_ url: URL, _ change: (inout SafetensorsFile) throws -> Void) throws
    -> [UInt8]
  {
    var file = try SafetensorsFile(contentsOf: url)
    try change(&file)
    return try file.serialized()
  }

  /// Trains a tiny model into `folder/name` and returns its last checkpoint.
  private func trainCheckpoint(_ folder: TemporaryFolder, _ name: String, channels: String)
    throws -> URL
  {
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent(name)
    let result = try runSkipConv(
      ["train", "--train", train.path, "--out", output.path, "--embedding-dim", "4",
        "--channels", channels, "--depth", "1", "--epochs", "1", "--batch-size", "16"])
    XCTAssertEqual(result.status, 0, result.stderr)
    return output.appendingPathComponent(TrainingOutput.lastCheckpoint)
  }

  func testDamagedCheckpointsGiveClearErrors() throws {
    let folder = try TemporaryFolder()
    let good = try trainCheckpoint(folder, "good", channels: "4")
    let other = try trainCheckpoint(folder, "other", channels: "6")
    let bytes = try Array(Data(contentsOf: good))
    let otherConfiguration = try XCTUnwrap(
      try SafetensorsFile(contentsOf: other).metadata["skipconv.config"])
    // The first ':' of the header, replaced, leaves text that is not JSON.
    var headerText = bytes
    headerText[try XCTUnwrap(bytes[8...].firstIndex(of: UInt8(ascii: ":")))] = UInt8(ascii: "@")

    let cases: [(String, [UInt8], String)] = [
      ("truncated-7", Array(bytes.prefix(7)), "fewer than the 8 of the header length"),
      ("truncated-header", Array(bytes.prefix(100)), "reaches past the end of the file"),
      ("truncated-data", Array(bytes.dropLast(10)), "reach past the"),
      ("header-length", CheckpointFixtures.littleEndian(UInt64(bytes.count)) + bytes[8...],
        "reaches past the end of the file"),
      ("malformed-json", headerText, "the header is not valid JSON"),
      ("offsets-out-of-range",
        try editEntry(bytes, "classifier.bias") { $0["data_offsets"] = [0, bytes.count * 2] },
        "reach past the"),
      ("overlapping",
        try editEntry(bytes, "classifier.bias") { $0["data_offsets"] = [0, 8] },
        "overlap tensor 'classifier.bias' at [0, 8]"),
      ("dtype", try rewritten(good) {
          $0.tensors["classifier.bias"] = try SafetensorsTensor(int32: [1, 2], shape: [2])
        }, "tensor 'classifier.bias': dtype is I32, expected F32"),
      ("shape", try rewritten(good) {
          $0.tensors["classifier.bias"] = try SafetensorsTensor(float32: [1, 2, 3], shape: [3])
        }, "tensor 'classifier.bias': shape is [3], expected [2]"),
      ("missing-tensor", try rewritten(good) { $0.tensors["classifier.bias"] = nil },
        "tensor 'classifier.bias': not found"),
      ("other-model", try rewritten(good) {
          $0.metadata["skipconv.config"] = otherConfiguration
        }, "tensor 'blocks.0.conv1.weight': shape is [4, 4, 3], expected [6, 4, 3]"),
      ("not-skipconv", try rewritten(good) { $0.metadata = ["format": "pt"] },
        "is not a SkipConv checkpoint"),
    ]
    for (name, content, fragment) in cases {
      let url = try folder.write("\(name).safetensors", bytes: content)
      let data = folder.url.appendingPathComponent("train.tsv").path
      let runs = [
        ("evaluate", ["evaluate", "--checkpoint", url.path, "--data", data]),
        ("predict", ["predict", "--checkpoint", url.path, "red green"]),
      ]
      for (command, arguments) in runs {
        let result = try runSkipConv(arguments)
        let context = "\(name) through \(command)"
        XCTAssertEqual(result.status, 4, "\(context): \(result.stderr)")
        XCTAssertTrue(result.stderr.contains(url.path), "\(context): \(result.stderr)")
        XCTAssertTrue(result.stderr.contains(fragment), "\(context): \(result.stderr)")
        XCTAssertEqual(result.stdout, "", "\(context) printed results")
      }

      // The same file as the checkpoint to resume from.
      let resume = folder.url.appendingPathComponent("resume-\(name)")
      try FileManager.default.createDirectory(at: resume, withIntermediateDirectories: true)
      let last = resume.appendingPathComponent(TrainingOutput.lastCheckpoint)
      try Data(content).write(to: last)
      let result = try runSkipConv(
        ["train", "--train", data, "--resume", "--epochs", "2", "--batch-size", "16", "--out",
          resume.path])
      XCTAssertEqual(result.status, 4, "\(name) through train --resume: \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(last.path), "\(name): \(result.stderr)")
      XCTAssertEqual(try Array(Data(contentsOf: last)), content, "\(name): resume changed it")
    }
  }

  /// Resuming with model options other than the checkpoint's names both models; resuming
  /// without them takes the checkpoint's own.
  func testResumeWithOtherModelIsRejected() throws {
    let folder = try TemporaryFolder()
    let last = try trainCheckpoint(folder, "run", channels: "6")
    let before = try Data(contentsOf: last)
    let data = folder.url.appendingPathComponent("train.tsv").path
    let output = last.deletingLastPathComponent().path
    let common = ["train", "--train", data, "--out", output, "--resume", "--epochs", "2",
      "--batch-size", "16"]
    let rejected = try runSkipConv(common + ["--channels", "8"])
    XCTAssertEqual(rejected.status, 4, rejected.stderr)
    XCTAssertTrue(rejected.stderr.contains("checkpoint \(last.path) holds a different model"))
    XCTAssertTrue(rejected.stderr.contains("\"channels\":6"), rejected.stderr)
    XCTAssertTrue(rejected.stderr.contains("\"channels\":8"), rejected.stderr)
    XCTAssertEqual(try Data(contentsOf: last), before)

    let resumed = try runSkipConv(common)
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    let metadata = try ModelCheckpoint.read(last).metadata
    XCTAssertEqual(metadata.configuration.channels, 6)
    XCTAssertEqual(metadata.position?.epoch, 2)
  }
}
