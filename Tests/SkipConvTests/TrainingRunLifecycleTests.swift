import Foundation
import XCTest

@testable import SkipConv

/// The life of a `skipconv train` run: an earlier run's folder, SIGTERM, resuming with other
/// options, single-class data, failed runs and the learning rate of tiny runs.
final class TrainingRunLifecycleTests: XCTestCase {
  private func trainArguments(_ train: URL, _ output: URL) -> [String] {
    ["train", "--train", train.path, "--out", output.path] + tinyModelOptions
  }

  private func metricsLines(_ output: URL) throws -> [[String: Any]] {
    let text = try String(
      contentsOf: output.appendingPathComponent(TrainingOutput.metrics), encoding: .utf8)
    return try text.split(separator: "\n").map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  func testEarlierRunNeedsResumeOrOverwrite() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("run")
    let first = try runSkipConv(trainArguments(train, output))
    XCTAssertEqual(first.status, 0, first.stderr)
    let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
    let before = try Data(contentsOf: last)
    let steps = try metricsLines(output).count

    // Rejected before any device is opened: no OpenCL platform is found in this environment.
    let vendors = folder.url.appendingPathComponent("no-vendors")
    try FileManager.default.createDirectory(at: vendors, withIntermediateDirectories: true)
    let rejected = try runSkipConv(
      trainArguments(train, output), environment: ["OCL_ICD_VENDORS": vendors.path])
    XCTAssertEqual(rejected.status, 2, rejected.stderr)
    XCTAssertTrue(
      rejected.stderr.contains("the output folder \(output.path) already contains an earlier run"),
      rejected.stderr)
    XCTAssertTrue(
      rejected.stderr.contains(
        "pass --resume to continue it, --overwrite to start over, or choose another --out"),
      rejected.stderr)
    XCTAssertEqual(try Data(contentsOf: last), before, "the rejected run changed the checkpoint")

    let both = try runSkipConv(trainArguments(train, output) + ["--resume", "--overwrite"])
    XCTAssertEqual(both.status, 2, both.stderr)

    // --overwrite starts over: the metrics hold this run's steps only.
    let overwritten = try runSkipConv(
      trainArguments(train, output) + ["--overwrite", "--seed", "9"])
    XCTAssertEqual(overwritten.status, 0, overwritten.stderr)
    XCTAssertEqual(try metricsLines(output).count, steps)
    XCTAssertNotEqual(try Data(contentsOf: last), before)
    let metadata = try ModelCheckpoint.read(last).metadata
    XCTAssertEqual(metadata.training?.seed, 9)

    let help = try runSkipConv(["train", "--help"])
    XCTAssertTrue(help.stdout.contains("--overwrite"), help.stdout)
  }

  /// SIGTERM finishes the step, saves last.safetensors, removes the lock and exits with 130,
  /// and a resumed run continues from that checkpoint.
  func testSigtermSavesCheckpoint() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("run")
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = trainArguments(train, output) + ["--epochs", "100000"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: last.path)
    {
      usleep(5_000)
    }
    XCTAssertTrue(process.isRunning, "training ended before SIGTERM")
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .exit)
    XCTAssertEqual(process.terminationStatus, 130)
    XCTAssertFalse(
      FileManager.default.fileExists(
        atPath: output.appendingPathComponent(OutputFolderLock.fileName).path))
    let position = try XCTUnwrap(ModelCheckpoint.read(last).metadata.position)

    let resumed = try runSkipConv(
      trainArguments(train, output) + ["--resume", "--epochs", "\(position.epoch + 1)"])
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    XCTAssertEqual(try ModelCheckpoint.read(last).metadata.position?.epoch, position.epoch + 1)
  }

  /// Options that change the data order are rejected on resume, naming both values.
  func testResumeWithOtherDataIsRejected() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("run")
    XCTAssertEqual(try runSkipConv(trainArguments(train, output)).status, 0)
    let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
    let before = try Data(contentsOf: last)
    let other = try writeColourFile(folder, "other.tsv", count: 41)
    let cases: [([String], String)] = [
      (["--limit-train", "20"], "with --limit-train (none), but this run has --limit-train 20"),
      (["--validation-fraction", "0.2"],
        "with --validation-fraction 0.1, but this run has --validation-fraction 0.2"),
      (["--seed", "7"], "with --seed 1, but this run has --seed 7"),
      (["--batch-size", "8"], "with --batch-size 16, but this run has --batch-size 8"),
      (["--train", other.path], "but this run has --train \(other.path)"),
    ]
    for (options, fragment) in cases {
      let result = try runSkipConv(
        trainArguments(train, output) + ["--resume", "--epochs", "2"] + options)
      XCTAssertEqual(result.status, 4, "\(options): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(fragment), "\(options): \(result.stderr)")
      XCTAssertEqual(try Data(contentsOf: last), before, "\(options) changed the checkpoint")
    }
  }

  /// Resuming a 1-epoch run with --epochs 2 follows the 2-epoch schedule, not the floor rate,
  /// and the metrics count epochs and batches from 1.
  func testMoreEpochsOnResumeStretchSchedule() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("run")
    XCTAssertEqual(try runSkipConv(trainArguments(train, output)).status, 0)
    let resumed = try runSkipConv(trainArguments(train, output) + ["--resume", "--epochs", "2"])
    XCTAssertEqual(resumed.status, 0, resumed.stderr)

    let lines = try metricsLines(output)
    let stepsPerEpoch = lines.count / 2
    XCTAssertEqual(lines.count, 2 * stepsPerEpoch)
    var settings = TrainingSettings()
    settings.epochs = 2
    let schedule = settings.schedule(stepsPerEpoch: stepsPerEpoch)
    for (index, line) in lines.enumerated() {
      let step = index + 1
      XCTAssertEqual(line["step"] as? Int, step)
      XCTAssertEqual(line["epoch"] as? Int, index / stepsPerEpoch + 1, "step \(step)")
      XCTAssertEqual(line["batchInEpoch"] as? Int, index % stepsPerEpoch + 1, "step \(step)")
      guard index >= stepsPerEpoch else { continue }
      let rate = try XCTUnwrap(line["learningRate"] as? Double)
      XCTAssertEqual(rate, Double(schedule.learningRate(step: step)), accuracy: 1e-9)
    }
    let firstResumed = try XCTUnwrap(lines[stepsPerEpoch]["learningRate"] as? Double)
    // The floor is 1% of the peak of 0.002.
    XCTAssertGreaterThan(firstResumed, 10 * 0.002 * 0.01, "the resumed epoch ran at the floor")
  }

  func testSingleClassFileIsRejected() throws {
    let folder = try TemporaryFolder()
    let rows = (0..<30).map { "1\tred green blue \($0)" }.joined(separator: "\n")
    let train = try folder.write("single.tsv", rows + "\n")
    let output = folder.url.appendingPathComponent("runs/single")
    let result = try runSkipConv(trainArguments(train, output))
    XCTAssertEqual(result.status, 4, result.stderr)
    XCTAssertTrue(
      result.stderr.contains("\(train.path): the training examples have only the class '1'"),
      result.stderr)
    XCTAssertTrue(result.stderr.contains("at least two classes are needed"), result.stderr)
    // The failed run removes the folders it created.
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("runs").path))
  }

  /// A run of one or two steps warms up to the peak; longer runs keep the rounded-down warm-up.
  func testTinyRunReachesPeakRate() {
    var settings = TrainingSettings()
    settings.learningRate = 0.01
    settings.epochs = 1
    for steps in [1, 2, 3] {
      let schedule = settings.schedule(stepsPerEpoch: steps)
      XCTAssertEqual(schedule.warmupSteps, 1, "\(steps) steps")
      XCTAssertEqual(schedule.learningRate(step: 1), 0.01, "\(steps) steps")
    }
    settings.epochs = 5
    XCTAssertEqual(settings.schedule(stepsPerEpoch: 101).warmupSteps, Int(Float(505) * 0.3))
    settings.warmupFraction = 0
    XCTAssertEqual(settings.schedule(stepsPerEpoch: 1).warmupSteps, 0)
  }
}
