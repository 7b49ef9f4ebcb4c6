import Foundation
import XCTest

@testable import SkipConv

#if canImport(Glibc)
  import Glibc
#endif

/// Runs this test binary again as a child process that plays one role in a multi-process test.
///
/// The child runs the same test method with `roleVariable` set, and the method branches on it.
/// This needs no extra executable target, and the child runs exactly the library code under
/// test. A child exits by itself once its parent is gone or after a minute, so a failing parent
/// never leaves it running.
///
/// NOTE: the child is the binary that /proc/self/exe names, run with a test name argument as the
/// Linux XCTest runner accepts it. On macOS the tests run inside `xctest`, so this would need
/// `xctest -XCTest <test> <bundle>` instead.
enum ChildProcess {
  static let roleVariable = "SKIPCONV_CHECKPOINT_CHILD_ROLE"
  static let folderVariable = "SKIPCONV_CHECKPOINT_CHILD_FOLDER"
  static let startVariable = "SKIPCONV_CHECKPOINT_CHILD_START"

  static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// The role of this process, or nil in the parent.
  static var role: String? { environment[roleVariable] }

  static var folder: URL { URL(fileURLWithPath: environment[folderVariable] ?? "/nonexistent") }

  /// Starts the test `test` ("Class/method") of this binary in a child that plays `role`.
  static func start(test: String, role: String, folder: URL, start: Int = 0) throws -> Process {
    let process = Process()
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["SkipConvTests.\(test)"]
    var childEnvironment = environment
    childEnvironment[roleVariable] = role
    childEnvironment[folderVariable] = folder.path
    childEnvironment[startVariable] = "\(start)"
    process.environment = childEnvironment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Sends `SIGKILL` to `process` and waits until it is gone.
  static func kill(_ process: Process) {
    _ = Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Waits until a file exists at `url`; false when `seconds` pass first or the child exits.
  static func waitForFile(_ url: URL, seconds: Double, child: Process) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if FileManager.default.fileExists(atPath: url.path) {
        return true
      }
      if !child.isRunning {
        return false
      }
      usleep(1_000)
    }
    return false
  }

  /// Ends the child once its parent has exited or a minute has passed.
  static func exitIfAbandoned(parent: pid_t, started: Date) {
    if getppid() != parent || Date().timeIntervalSince(started) > 60 {
      exit(0)
    }
  }
}

final class CheckpointAtomicWriteTests: XCTestCase {
  private static let targetName = "model.safetensors"

  /// Returns two 2 MiB payloads that alternate between versions, so that a file mixing two
  /// versions cannot pass for either one. The bytes are raw random draws, some of them NaN
  /// patterns. That is fine because tensors compare by bytes. Drawing 64 bits at a time keeps
  /// the child's start-up short in debug builds.
  private static func payloads() throws -> [SafetensorsTensor] {
    var generator = SeededGenerator(seed: 0xA70_0001)
    return try (0..<2).map { _ in
      let words = (0..<(1 << 18)).map { _ in generator.next() }
      let bytes = words.withUnsafeBytes { Array($0) }
      return try SafetensorsTensor(dtype: .float32, shape: [512, 1024], bytes: bytes)
    }
  }

  /// Returns checkpoint version `version`: its payload, and its number as a tensor and as
  /// metadata.
  private static func contents(version: Int, payloads: [SafetensorsTensor]) throws
    -> SafetensorsFile
  {
    let number = try SafetensorsTensor(int64: [Int64(version)], shape: [1])
    return SafetensorsFile(
      tensors: ["weight": payloads[version % 2], "version": number],
      metadata: ["skipconv.step": "\(version)"])
  }

  /// Writes versions start, start + 1, ... until the parent kills this process.
  private func runWriterRole() throws {
    let parent = getppid()
    let started = Date()
    let payloads = try Self.payloads()
    let folder = ChildProcess.folder
    let target = folder.appendingPathComponent(Self.targetName)
    var version = Int(ChildProcess.environment[ChildProcess.startVariable] ?? "") ?? 0
    _ = FileManager.default.createFile(
      atPath: folder.appendingPathComponent("started").path, contents: nil)
    while true {
      ChildProcess.exitIfAbandoned(parent: parent, started: started)
      try Self.contents(version: version, payloads: payloads).write(to: target)
      version += 1
    }
  }

  /// Starts a writer child, kills it after `delay` microseconds once it has started, and
  /// returns the version in the target file, nil when there is none, and the temporary files
  /// the child left.
  private func killWriter(
    round: Int, folder: URL, delay: UInt32, payloads: [SafetensorsTensor]
  ) throws
    -> (version: Int?, leftovers: [String])
  {
    let marker = folder.appendingPathComponent("started")
    try? FileManager.default.removeItem(at: marker)
    let child = try ChildProcess.start(
      test: "CheckpointAtomicWriteTests/testSigkillLeavesOldOrNewFile", role: "writer",
      folder: folder, start: round * 1_000_000)
    guard ChildProcess.waitForFile(marker, seconds: 60, child: child) else {
      ChildProcess.kill(child)
      throw XCTSkip("round \(round): the writer child did not start")
    }
    usleep(delay)
    ChildProcess.kill(child)

    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasPrefix(".\(Self.targetName).tmp-") }
    let target = folder.appendingPathComponent(Self.targetName)
    guard FileManager.default.fileExists(atPath: target.path) else {
      return (nil, leftovers)
    }
    let file = try SafetensorsFile(contentsOf: target)
    let version = try XCTUnwrap(Int(file.metadataValue("skipconv.step")), "round \(round)")
    XCTAssertEqual(
      file, try Self.contents(version: version, payloads: payloads), "round \(round)")
    return (version, leftovers)
  }

  func testSigkillLeavesOldOrNewFile() throws {
    if ChildProcess.role == "writer" {
      return try runWriterRole()
    }
    let folder = try CheckpointFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let payloads = try Self.payloads()
    var generator = SeededGenerator(seed: 0xA70_0002)
    var lastVersion = -1
    var killsDuringWrite = 0
    var roundsWithNewVersion = 0

    // Where a kill lands depends on timing, so the test runs rounds until enough kills have
    // landed while a temporary file was open, within a maximum.
    let (minimumRounds, maximumRounds, requiredKillsDuringWrite) = (12, 64, 4)
    var round = 0
    while round < minimumRounds
      || (killsDuringWrite < requiredKillsDuringWrite && round < maximumRounds)
    {
      let delay = UInt32(1_000 + generator.next() % 60_000)
      let (version, leftovers) = try killWriter(
        round: round, folder: folder, delay: delay, payloads: payloads)
      if let version {
        XCTAssertGreaterThanOrEqual(version, lastVersion, "round \(round): an older version")
        roundsWithNewVersion += version > lastVersion ? 1 : 0
        lastVersion = version
      } else {
        XCTAssertEqual(lastVersion, -1, "round \(round): the checkpoint disappeared")
      }

      killsDuringWrite += leftovers.isEmpty ? 0 : 1
      let removed = try AtomicFile.removeAbandonedTemporaryFiles(in: folder)
      XCTAssertEqual(
        removed.map(\.lastPathComponent).sorted(), leftovers.sorted(), "round \(round)")
      round += 1
    }

    print(
      "SIGKILL test: \(round) rounds, \(roundsWithNewVersion) with a new version, "
        + "\(killsDuringWrite) killed while a temporary file was open, last version \(lastVersion)")
    XCTAssertGreaterThan(roundsWithNewVersion, round / 2, "the writer rarely finished a write")
    XCTAssertGreaterThanOrEqual(
      killsDuringWrite, requiredKillsDuringWrite, "too few kills landed during a write")
  }

  func testFailedWriteKeepsOldFile() throws {
    let folder = try CheckpointFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent(Self.targetName)
    var generator = SeededGenerator(seed: 0xA70_0003)
    let old = CheckpointFixtures.randomFile(&generator)
    try old.write(to: target)

    struct ProducerFailure: Error {}
    XCTAssertThrowsError(
      try AtomicFile.write(to: target) { output in
        try output.write(Array(repeating: 0x5A, count: 4096))
        throw ProducerFailure()
      }
    ) { error in
      XCTAssertTrue(error is ProducerFailure, "\(error)")
    }
    XCTAssertEqual(try SafetensorsFile(contentsOf: target), old)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path), [Self.targetName])

    let reserved = SafetensorsFile(tensors: [
      "__metadata__": try SafetensorsTensor(int32: [1], shape: [1])
    ])
    XCTAssertThrowsError(try reserved.write(to: target))
    XCTAssertEqual(try SafetensorsFile(contentsOf: target), old)
  }

  func testWriteIntoMissingFolderNamesPath() {
    let target = URL(fileURLWithPath: "/nonexistent-skipconv-folder/model.safetensors")
    XCTAssertThrowsError(try AtomicFile.write([1, 2, 3], to: target)) { error in
      guard let failure = error as? FileOperationError else { return XCTFail("\(error)") }
      XCTAssertEqual(failure.operation, "open")
      XCTAssertEqual(failure.code, ENOENT)
      XCTAssertTrue(failure.path.hasPrefix("/nonexistent-skipconv-folder/.model.safetensors.tmp-"))
      XCTAssertTrue(
        failure.description.contains("/nonexistent-skipconv-folder/"), failure.description)
    }
  }

  func testRemovesOnlyAbandonedTemporaryFiles() throws {
    let folder = try CheckpointFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let finished = Process()
    finished.executableURL = URL(fileURLWithPath: "/bin/true")
    try finished.run()
    finished.waitUntilExit()
    let deadID = finished.processIdentifier
    let names = [
      ".model.safetensors.tmp-\(deadID)-1f2e", ".model.safetensors.tmp-\(getpid())-3c4d",
      "model.safetensors", ".model.safetensors.tmp-x-1f", ".other.tmp-\(deadID)-zz", "notes.txt",
    ]
    for name in names {
      _ = FileManager.default.createFile(
        atPath: folder.appendingPathComponent(name).path, contents: Data([1]))
    }
    let removed = try AtomicFile.removeAbandonedTemporaryFiles(in: folder)
    XCTAssertEqual(removed.map(\.lastPathComponent), [".model.safetensors.tmp-\(deadID)-1f2e"])
    let remaining = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    XCTAssertEqual(remaining, names.filter { $0 != names[0] }.sorted())
  }

  func testTemporaryNamesCarryProcessID() {
    let name = AtomicFile.temporaryName(for: "model.safetensors")
    XCTAssertTrue(name.hasPrefix(".model.safetensors.tmp-\(getpid())-"), name)
    XCTAssertEqual(AtomicFile.writerProcessID(ofTemporaryName: name), getpid())
    XCTAssertNotEqual(name, AtomicFile.temporaryName(for: "model.safetensors"))
    XCTAssertNil(AtomicFile.writerProcessID(ofTemporaryName: "model.safetensors"))
  }
}
