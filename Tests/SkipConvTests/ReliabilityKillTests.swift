import Foundation
import XCTest

@testable import SkipConv

/// Training runs killed with SIGKILL, often while a checkpoint is being written, and two runs
/// sharing one output folder.
final class ReliabilityKillTests: XCTestCase {
  /// Writes a training file with a vocabulary of about 16,000 words, so that the embedding makes
  /// each checkpoint about 19 MB and writing it takes most of an epoch.
  private func writeLargeVocabularyFile(_ folder: TemporaryFolder) throws -> URL {
    var generator = SeededGenerator(seed: 0x5161_4B11)
    let rows = (0..<64).map { index in
      "\(index % 2)\t" + (0..<400).map { _ in "w\(generator.next() % 30_000)" }
        .joined(separator: " ")
    }
    return try folder.write("train.tsv", rows.joined(separator: "\n") + "\n")
  }

  /// Returns the training command. Its constant learning rate makes the weights after epoch `e`
  /// the same whatever `--epochs` is, so a shorter run can reproduce a killed run's checkpoint.
  private func trainArguments(_ train: URL, output: URL, epochs: Int) -> [String] {
    ["train", "--train", train.path, "--out", output.path, "--embedding-dim", "96",
      "--channels", "4", "--depth", "1", "--max-length", "8", "--batch-size", "64",
      "--schedule", "constant", "--warmup", "0", "--epochs", "\(epochs)"]
  }

  /// Starts the binary with `arguments`, its output discarded.
  private func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Returns the names in `folder` of temporary files that a checkpoint write leaves, of the
  /// process `pid` only when given (the names carry the writer's process ID).
  private func temporaryFiles(_ folder: URL, of pid: Int32? = nil) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    let prefix = ".last.safetensors.tmp-" + (pid.map { "\($0)-" } ?? "")
    return names.filter { $0.hasPrefix(prefix) }
  }

  func testSigkillDuringCheckpointKeepsLastLoadable() throws {
    let folder = try TemporaryFolder()
    let train = try writeLargeVocabularyFile(folder)
    let output = folder.url.appendingPathComponent("killed")
    var random = SeededGenerator(seed: 0x0051_6B11)
    var snapshots: [Int: [UInt8]] = [:]
    var killedDuringWrite = 0
    let rounds = 8
    for round in 0..<rounds {
      // Each round starts over in the folder that the previous round's kill left behind.
      let process = try start(
        trainArguments(train, output: output, epochs: 10_000) + (round > 0 ? ["--overwrite"] : []))
      // Odd rounds wait for a temporary checkpoint file and kill within a few milliseconds of
      // its creation. Even rounds wait until a first checkpoint is complete (its temporary file
      // came and went) and kill at a random moment of the next 1.5 s, so that a complete
      // checkpoint exists however slow the machine is.
      let deadline = Date().addingTimeInterval(60)
      var sawWrite = false
      var sawComplete = false
      while Date() < deadline, process.isRunning {
        let writing = !temporaryFiles(output, of: process.processIdentifier).isEmpty
        if writing {
          sawWrite = true
          if round % 2 == 1 {
            usleep(UInt32(random.next() % 20_000))
            break
          }
        } else if sawWrite {
          sawComplete = true
          usleep(UInt32(random.nextFloat(in: 0..<1.5) * 1e6))
          break
        }
        usleep(500)
      }
      XCTAssertTrue(process.isRunning, "round \(round): training ended before the kill")
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round)")
      let leftovers = temporaryFiles(output, of: process.processIdentifier)
      killedDuringWrite += leftovers.isEmpty ? 0 : 1
      XCTAssertTrue(sawWrite, "round \(round): no checkpoint write seen in 60 s")
      if round % 2 == 0 {
        XCTAssertTrue(sawComplete, "round \(round): no complete checkpoint in 60 s")
      }

      // Whatever the moment, last.safetensors is a complete checkpoint or, when --overwrite
      // removed the previous round's and the kill came before the first write, absent.
      let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
      guard FileManager.default.fileExists(atPath: last.path) else { continue }
      let (file, metadata) = try ModelCheckpoint.read(last)
      let epoch = try XCTUnwrap(metadata.position?.epoch, "round \(round)")
      _ = try ModelCheckpoint.loadModel(file, metadata: metadata, backend: ReferenceBackend())
      let bytes = try Array(Data(contentsOf: last))
      if let earlier = snapshots[epoch] {
        XCTAssertEqual(bytes, earlier, "round \(round): two checkpoints of epoch \(epoch) differ")
      }
      snapshots[epoch] = bytes
    }
    print(
      "SIGKILL rounds: \(rounds), \(killedDuringWrite) of them during a checkpoint write; "
        + "checkpoints found at epochs \(snapshots.keys.sorted())")
    XCTAssertGreaterThan(killedDuringWrite, 0, "no kill landed during a checkpoint write")
    XCTAssertFalse(snapshots.isEmpty, "no round left a complete checkpoint")

    // A fresh run resumes from the folder, or starts over when the last round's --overwrite
    // removed the checkpoint before its kill: either way it removes the abandoned temporary
    // files.
    let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
    let resumed = try runSkipConv(
      trainArguments(train, output: output, epochs: (snapshots.keys.max() ?? 0) + 1)
        + [FileManager.default.fileExists(atPath: last.path) ? "--resume" : "--overwrite"])
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    XCTAssertEqual(temporaryFiles(output), [])

    // Each checkpoint found equals the one an uninterrupted run writes at the same epoch.
    for epoch in Set([snapshots.keys.min(), snapshots.keys.max()].compactMap({ $0 })).sorted() {
      let reference = folder.url.appendingPathComponent("reference-\(epoch)")
      let result = try runSkipConv(trainArguments(train, output: reference, epochs: epoch))
      XCTAssertEqual(result.status, 0, result.stderr)
      let expected = try SafetensorsFile(
        contentsOf: reference.appendingPathComponent(TrainingOutput.lastCheckpoint))
      let actual = try SafetensorsFile(bytes: try XCTUnwrap(snapshots[epoch]))
      XCTAssertEqual(Set(actual.tensors.keys), Set(expected.tensors.keys))
      for (name, tensor) in expected.tensors {
        XCTAssertEqual(actual.tensors[name]?.bytes, tensor.bytes, "epoch \(epoch): \(name)")
      }
      XCTAssertEqual(actual.metadata["skipconv.position"], expected.metadata["skipconv.position"])
    }
  }

  /// A second run on a folder in use exits with status 6, naming the folder and the first run's
  /// process, and writes nothing. Once the first run is gone, the folder is free again.
  func testSecondRunOnSameFolderIsRejected() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let output = folder.url.appendingPathComponent("shared")
    let first = try start(
      ["train", "--train", train.path, "--out", output.path, "--epochs", "100000"]
        + ["--embedding-dim", "4", "--channels", "4", "--depth", "1"])
    defer {
      if first.isRunning {
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
      }
    }
    let lock = output.appendingPathComponent(OutputFolderLock.fileName)
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, (try? String(contentsOf: lock, encoding: .utf8))?.isEmpty ?? true {
      usleep(2_000)
    }
    XCTAssertTrue(first.isRunning)

    let last = output.appendingPathComponent(TrainingOutput.lastCheckpoint)
    let hadCheckpoint = FileManager.default.fileExists(atPath: last.path)
    // With --overwrite, the second run gets past the check for an earlier run's checkpoints
    // and meets the lock, which it must take before removing any file.
    let second = try runSkipConv(
      ["train", "--train", train.path, "--out", output.path, "--epochs", "1", "--overwrite"])
    XCTAssertEqual(second.status, 6, second.stderr)
    XCTAssertTrue(
      second.stderr.contains(
        "the output folder \(output.path) is in use by process \(first.processIdentifier)"),
      second.stderr)
    XCTAssertTrue(second.stderr.contains("choose another output folder"), second.stderr)
    XCTAssertTrue(first.isRunning, "the second run stopped the first")
    if hadCheckpoint {
      XCTAssertNoThrow(try ModelCheckpoint.read(last), "the second run removed the first's file")
    }

    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    let third = try runSkipConv(
      ["train", "--train", train.path, "--out", output.path, "--overwrite"] + tinyModelOptions)
    XCTAssertEqual(third.status, 0, third.stderr)
  }
}
