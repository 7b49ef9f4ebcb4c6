import Foundation
import XCTest

@testable import SkipConv

/// Error messages and exit statuses of the command line for bad checkpoints, stalled downloads,
/// configuration files, output folders and `SKIPCONV_DEVICE`: each names the file, key, option or
/// variable concerned, in command-line words.
final class ReliabilityMessageTests: XCTestCase {
  /// Trains a tiny model into `folder/run` and returns its last checkpoint.
  private func trainCheckpoint(_ folder: TemporaryFolder) throws -> (URL, URL) {
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("run")
    let result = try runSkipConv(
      ["train", "--train", train.path, "--out", output.path] + tinyModelOptions)
    XCTAssertEqual(result.status, 0, result.stderr)
    return (output.appendingPathComponent(TrainingOutput.lastCheckpoint), train)
  }

  /// Writes a copy of `checkpoint` with element `index` of tensor `name` set to `value`.
  private func poisoned(
    _ checkpoint: URL, _ name: String, index: Int, value: Float, to url: URL
  ) throws {
    var file = try SafetensorsFile(contentsOf: checkpoint)
    let tensor = try XCTUnwrap(file.tensors[name], name)
    var values = try tensor.float32Values()
    values[index] = value
    file.tensors[name] = try SafetensorsTensor(float32: values, shape: tensor.shape)
    try file.write(to: url)
  }

  func testNonFiniteWeightsAreRejected() throws {
    let folder = try TemporaryFolder()
    let (checkpoint, data) = try trainCheckpoint(folder)
    let names = try SafetensorsFile(contentsOf: checkpoint).tensors.keys
    let embedding = try XCTUnwrap(names.first { $0.hasPrefix("embedding") }, "\(names)")
    let cases: [(tensor: String, index: Int, value: Float)] = [
      ("classifier.bias", 1, .nan), (embedding, 9, .infinity), (embedding, 4, -.infinity),
    ]
    for (tensor, index, value) in cases {
      let bad = folder.url.appendingPathComponent("bad-\(index).safetensors")
      try poisoned(checkpoint, tensor, index: index, value: value, to: bad)
      let commands = [
        ["predict", "--checkpoint", bad.path, "--json", "red sky"],
        ["evaluate", "--checkpoint", bad.path, "--data", data.path, "--json"],
        ["evaluate", "--checkpoint", bad.path, "--data", data.path],
      ]
      for arguments in commands {
        let result = try runSkipConv(arguments)
        let context = arguments.joined(separator: " ")
        XCTAssertEqual(result.status, 4, context + "\n" + result.stderr)
        let expected = "checkpoint \(bad.path) has a non-finite value (\(value)) in tensor "
          + "'\(tensor)' at flat index \(index)"
        XCTAssertTrue(result.stderr.contains(expected), context + "\n" + result.stderr)
        XCTAssertEqual(result.stdout, "", context)
      }
    }
  }

  func testOverflowingLogitsAreReported() throws {
    let folder = try TemporaryFolder()
    let (checkpoint, data) = try trainCheckpoint(folder)
    // Finite weights at Float's maximum: whatever the sign of the summed features, the logit
    // of the first class or of the second overflows to infinity.
    var file = try SafetensorsFile(contentsOf: checkpoint)
    let weight = try XCTUnwrap(file.tensors["classifier.weight"])
    let bias = try XCTUnwrap(file.tensors["classifier.bias"])
    let maximum = Float.greatestFiniteMagnitude
    let rowLength = weight.shape[1]
    let weights = (0..<(weight.shape[0] * rowLength)).map { $0 < rowLength ? maximum : -maximum }
    file.tensors["classifier.weight"] = try SafetensorsTensor(float32: weights, shape: weight.shape)
    file.tensors["classifier.bias"] = try SafetensorsTensor(
      float32: [Float](repeating: maximum, count: bias.shape[0]), shape: bias.shape)
    let bad = folder.url.appendingPathComponent("huge.safetensors")
    try file.write(to: bad)
    for arguments in [
      ["evaluate", "--checkpoint", bad.path, "--data", data.path, "--json"],
      ["predict", "--checkpoint", bad.path, "--json", "red sky"],
    ] {
      let result = try runSkipConv(arguments)
      XCTAssertEqual(result.status, 4, result.stderr)
      XCTAssertTrue(result.stderr.contains("checkpoint \(bad.path) gives a non-finite"),
        result.stderr)
      XCTAssertFalse(result.stderr.contains("EncodingError"), result.stderr)
      XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
    }
  }

  func testMissingCheckpointIsInputError() throws {
    let folder = try TemporaryFolder()
    let missing = folder.url.appendingPathComponent("none.safetensors").path
    let cases = [
      (["predict", "--checkpoint", missing, "text"], "checkpoint \(missing) does not exist"),
      (["evaluate", "--checkpoint", folder.url.path, "--data", "x.tsv"],
        "checkpoint \(folder.url.path) is a folder, not a file"),
    ]
    for (arguments, fragment) in cases {
      let result = try runSkipConv(arguments)
      XCTAssertEqual(result.status, 4, result.stderr)
      XCTAssertTrue(result.stderr.contains(fragment), result.stderr)
      XCTAssertFalse(result.stderr.contains("Usage"), result.stderr)
    }
  }

  func testPredictSkipsBlankInputLines() throws {
    let folder = try TemporaryFolder()
    let (checkpoint, _) = try trainCheckpoint(folder)
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["predict", "--checkpoint", checkpoint.path]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data("red sky\n\n   \nblue sea\n\n".utf8))
    try input.fileHandleForWriting.close()
    let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    let lines = stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 2, stdout)
    XCTAssertTrue(lines.first?.hasSuffix("\tred sky") ?? false, stdout)
    XCTAssertTrue(lines.last?.hasSuffix("\tblue sea") ?? false, stdout)
  }

  func testUnknownEnvironmentDeviceIsDeviceError() throws {
    let environment = ["SKIPCONV_DEVICE": "nonsense"]
    for arguments in [["predict", "--checkpoint", "/dev/null", "text"], ["parity", "--quick"]] {
      let result = try runSkipConv(arguments, environment: environment)
      XCTAssertEqual(result.status, 3, result.stderr)
      XCTAssertTrue(
        result.stderr.contains("no OpenCL device matches SKIPCONV_DEVICE='nonsense'"),
        result.stderr)
      XCTAssertTrue(result.stderr.contains("Available devices: 0: "), result.stderr)
      XCTAssertFalse(result.stderr.contains("Usage"), result.stderr)
    }
    let devices = try runSkipConv(["devices"], environment: environment)
    XCTAssertEqual(devices.status, 0, devices.stderr)
    XCTAssertTrue(devices.stderr.contains("warning: no OpenCL device matches SKIPCONV_DEVICE"),
      devices.stderr)
    XCTAssertFalse(devices.stdout.contains("(default)"), devices.stdout)
    let parity = try runSkipConv(["parity", "--quick", "--device", "nonsense"])
    XCTAssertEqual(parity.status, 2, parity.stderr)
    XCTAssertTrue(parity.stderr.contains("no OpenCL device matches 'nonsense'"), parity.stderr)
  }
}
