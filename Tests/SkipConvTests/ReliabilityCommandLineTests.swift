import Foundation
import XCTest

@testable import SkipConv

/// Runs `skipconv` with `arguments` and `environment` added to this process's environment.
func runSkipConv(
  _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
  try CommandLineTests.run(
    arguments, directory: directory,
    environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
}

/// Options of a model small enough to train in about a second.
let tinyModelOptions = [
  "--embedding-dim", "4", "--channels", "4", "--depth", "1", "--epochs", "1", "--batch-size", "16",
]

/// Writes a TSV file of `count` rows, labels `0` and `1`, texts of `words` random colour words.
@discardableResult
func writeColourFile(_ folder: TemporaryFolder, _ name: String, count: Int, words: Int = 6)
  throws -> URL
{
  var generator = SeededGenerator(seed: UInt64(count * 31 + words))
  let colours = ["red", "green", "blue", "cyan", "gray", "pink", "teal", "gold"]
  let rows = (0..<count).map { index in
    "\(index % 2)\t" + (0..<words).map { _ in colours[Int(generator.next() % 8)] }
      .joined(separator: " ")
  }
  return try folder.write(name, rows.joined(separator: "\n") + "\n")
}

/// The command line under invalid values, missing drivers, too little memory and non-finite
/// losses: each gives one error line that names the value and the fix, and its exit status.
final class ReliabilityCommandLineTests: XCTestCase {
  /// Returns an environment in which the OpenCL loader finds no platform.
  private func noPlatformEnvironment(_ folder: TemporaryFolder) throws -> [String: String] {
    let vendors = folder.url.appendingPathComponent("no-vendors")
    try FileManager.default.createDirectory(at: vendors, withIntermediateDirectories: true)
    return ["OCL_ICD_VENDORS": vendors.path]
  }

  func testUsageErrorsComeBeforeDevice() throws {
    let folder = try TemporaryFolder()
    let environment = try noPlatformEnvironment(folder)
    let train = ["train", "--train", folder.url.appendingPathComponent("absent.tsv").path]
    let checkpoint = try folder.write("some.safetensors", "not read before the usage check")
    let cases: [([String], String)] = [
      (train + ["--batch-size", "0"], "invalid value 0 for --batch-size"),
      (train + ["--batch-size", "-5"], "invalid value -5 for --batch-size"),
      (train + ["--batch-size", "2000000"], "invalid value 2000000 for --batch-size"),
      (train + ["--batch-size", "12abc"], "invalid value '12abc' for --batch-size"),
      (train + ["--epochs", "0"], "invalid value 0 for --epochs"),
      (train + ["--kernel-size", "0"], "invalid value 0 for --kernel-size"),
      (train + ["--embedding-dim", "0"], "invalid value 0 for --embedding-dim"),
      (train + ["--channels", "-1"], "invalid value -1 for --channels"),
      (train + ["--max-length", "0"], "invalid value 0 for --max-length"),
      (train + ["--stages", "9"], "invalid value 9 for --stages"),
      (train + ["--block", "dense"], "expected one of residual, highway"),
      (train + ["--dropout", "1"], "invalid value 1.0 for --dropout"),
      (train + ["--learning-rate", "fast"], "invalid value 'fast' for --learning-rate"),
      (train + ["--learning-rate", "nan"], "expected a finite number"),
      (train + ["--device", ""], "invalid value '' for --device"),
      (train + ["--no-such-option"], "unknown option '--no-such-option'"),
      (["evaluate", "--checkpoint", checkpoint.path, "--data", "x.tsv", "--batch-size", "0"],
        "invalid value 0 for --batch-size"),
      (["predict", "--checkpoint", checkpoint.path, "--top-k", "0", "text"],
        "invalid value 0 for --top-k"),
      (["predict", "text"], "missing --checkpoint FILE"),
    ]
    for (arguments, fragment) in cases {
      let result = try runSkipConv(arguments, environment: environment)
      let context = arguments.joined(separator: " ")
      XCTAssertEqual(result.status, 2, "\(context): \(result.stderr)")
      XCTAssertTrue(result.stderr.hasPrefix("skipconv: error: "), "\(context): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(fragment), "\(context): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("--help"), "\(context): \(result.stderr)")
      XCTAssertFalse(result.stderr.contains("OpenCL"), "\(context): the device was opened first")
    }
  }

  func testUnknownDeviceListsDevices() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 20)
    let result = try runSkipConv(["train", "--train", train.path, "--device", "no-such-gpu"])
    XCTAssertEqual(result.status, 2, result.stderr)
    XCTAssertTrue(result.stderr.contains("no OpenCL device matches 'no-such-gpu'"), result.stderr)
    XCTAssertTrue(result.stderr.contains("Available devices: "), result.stderr)
  }

  func testNoPlatformNamesPackage() throws {
    let folder = try TemporaryFolder()
    let environment = try noPlatformEnvironment(folder)
    let train = try writeColourFile(folder, "train.tsv", count: 20)
    let checkpoint = try folder.write("any.safetensors", "never read without a device")
    let commands = [
      ["devices"], ["parity", "--quick"], ["train", "--train", train.path],
      ["evaluate", "--checkpoint", checkpoint.path, "--data", train.path],
      ["predict", "--checkpoint", checkpoint.path, "some text"],
    ]
    for arguments in commands {
      let result = try runSkipConv(arguments, environment: environment)
      XCTAssertEqual(result.status, 3, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("no OpenCL platform found"), result.stderr)
      XCTAssertTrue(result.stderr.contains("apt-get install ocl-icd-libopencl1 pocl-opencl-icd"))
    }
  }

  /// A batch far too large for the memory limit stops with status 3 and a message that names a
  /// smaller batch. The `ulimit` keeps the machine safe should the limit not work.
  func testLargeBatchRunsOutOfMemory() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "long.tsv", count: 100, words: 2_000)
    let arguments = [
      "train", "--train", train.path, "--batch-size", "1000000", "--max-length", "5000",
      "--out", folder.url.appendingPathComponent("out").path,
    ]
    let command = "ulimit -v 8000000; exec '\(CommandLineTests.binary.path)' "
      + arguments.map { "'\($0)'" }.joined(separator: " ")
    let result = try CommandLineTests.run(
      ["-c", command], binary: URL(fileURLWithPath: "/bin/sh"),
      environment: ProcessInfo.processInfo.environment.merging(["SKIPCONV_MEMORY_LIMIT": "64M"]) {
        $1
      })
    XCTAssertEqual(result.status, 3, result.stderr)
    XCTAssertTrue(result.stderr.contains("out of device memory"), result.stderr)
    XCTAssertTrue(result.stderr.contains("of the 67108864 bytes available"), result.stderr)
    XCTAssertTrue(result.stderr.contains("use a smaller batch (--batch-size)"), result.stderr)
    XCTAssertFalse(
      FileManager.default.fileExists(
        atPath: folder.url.appendingPathComponent("out/last.safetensors").path))

    let invalid = try runSkipConv(
      ["train", "--train", train.path], environment: ["SKIPCONV_MEMORY_LIMIT": "lots"])
    XCTAssertEqual(invalid.status, 3, invalid.stderr)
    XCTAssertTrue(invalid.stderr.contains("invalid SKIPCONV_MEMORY_LIMIT 'lots'"), invalid.stderr)
  }

  func testWeightAboveAllocationLimit() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 20)
    let result = try runSkipConv(
      ["train", "--train", train.path, "--channels", "65536", "--embedding-dim", "4",
        "--depth", "1", "--out", folder.url.appendingPathComponent("out").path])
    try XCTSkipIf(result.status == 0, "this device allocates a 48 GiB weight in one buffer")
    XCTAssertEqual(result.status, 3, result.stderr)
    XCTAssertTrue(result.stderr.contains("cannot allocate 51539607552 bytes"), result.stderr)
    XCTAssertTrue(result.stderr.contains("model (--channels, --embedding-dim)"), result.stderr)
  }
}

/// Training runs through the command line that end in a non-finite value, or that push the
/// architecture to its limits.
final class ReliabilityTrainCommandTests: XCTestCase {
  /// SGD at a learning rate far too high without clipping drives the weights to NaN or
  /// infinity: status 5, the message names the step and the kept checkpoint, and that
  /// checkpoint loads with finite values.
  func testDivergenceExitsWithFive() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 48)
    var kept = false
    for learningRate in ["1", "0.5", "2"] where !kept {
      let output = folder.url.appendingPathComponent("out-\(learningRate)")
      let result = try runSkipConv(
        ["train", "--train", train.path, "--optimizer", "sgd", "--learning-rate", learningRate,
          "--clip-norm", "0", "--warmup", "0", "--epochs", "20", "--batch-size", "8",
          "--embedding-dim", "16", "--channels", "16", "--out", output.path])
      XCTAssertEqual(result.status, 5, "learning rate \(learningRate): \(result.stderr)")
      let message = result.stderr
      let stepPattern = try Regex(#"(at|after) step (\d+) \(epoch \d+\)"#)
      let match = try XCTUnwrap(
        message.firstMatch(of: stepPattern), "the message names no step: \(message)")
      let step = try XCTUnwrap(match.output[2].substring.flatMap { Int($0) })
      let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
      guard message.contains("the last good checkpoint \(last.path) was kept") else {
        XCTAssertTrue(message.contains("no checkpoint had been written yet"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: last.path))
        continue
      }
      kept = true
      let (file, metadata) = try ModelCheckpoint.read(last)
      XCTAssertLessThanOrEqual(try XCTUnwrap(metadata.position?.globalStep), step)
      for (name, tensor) in file.tensors {
        XCTAssertTrue(try tensor.float32Values().allSatisfy(\.isFinite), "\(name) is not finite")
      }
      let evaluation = try runSkipConv(
        ["evaluate", "--checkpoint", last.path, "--data", train.path])
      XCTAssertEqual(evaluation.status, 0, evaluation.stderr)
    }
    XCTAssertTrue(kept, "no learning rate diverged after the first checkpoint")
  }

  /// Eight stages halve the length seven times. Texts of one word and a maximum length of 1 still
  /// train and predict, because the stride-2 convolutions pad.
  func testEightStagesOnOneWordTexts() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "words.tsv", count: 40, words: 1)
    for maxLength in ["1", "64"] {
      let output = folder.url.appendingPathComponent("out-\(maxLength)")
      let result = try runSkipConv(
        ["train", "--train", train.path, "--stages", "8", "--channels", "1", "--max-length",
          maxLength, "--embedding-dim", "4", "--depth", "1", "--epochs", "1", "--out",
          output.path])
      XCTAssertEqual(result.status, 0, "max length \(maxLength): \(result.stderr)")
      let checkpoint = output.appendingPathComponent(TrainingOutput.lastCheckpoint).path
      let prediction = try runSkipConv(["predict", "--checkpoint", checkpoint, "red", "", "a b c"])
      XCTAssertEqual(prediction.status, 0, prediction.stderr)
      XCTAssertEqual(prediction.stdout.split(separator: "\n").count, 3, prediction.stdout)
    }
  }

  /// Each exit status that `ExitStatus` defines appears in docs/exit-status.md with its name.
  func testExitStatusTableMatchesCode() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let source = try String(
      contentsOf: root.appendingPathComponent("Sources/skipconv/main.swift"), encoding: .utf8)
    let document = try String(
      contentsOf: root.appendingPathComponent("docs/exit-status.md"), encoding: .utf8)
    func pairs(_ text: String, _ pattern: String, number: Int, name: Int) throws -> [String] {
      try text.matches(of: Regex(pattern)).map { match in
        "\(match.output[number].substring ?? "") \(match.output[name].substring ?? "")"
      }
    }
    let defined = try pairs(source, #"static let (\w+): Int32 = (\d+)"#, number: 2, name: 1)
    let documented = try pairs(document, #"\n\| (\d+) \| `(\w+)` \|"#, number: 1, name: 2)
    XCTAssertGreaterThanOrEqual(defined.count, 8)
    XCTAssertEqual(documented, defined)
  }
}
