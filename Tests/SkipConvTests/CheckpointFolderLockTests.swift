import Foundation
import XCTest

@testable import SkipConv

#if canImport(Glibc)
  import Glibc
#endif

final class CheckpointFolderLockTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = try CheckpointFixtures.makeTemporaryFolder().appendingPathComponent("run")
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
  }

  private var lockPath: String { folder.appendingPathComponent(OutputFolderLock.fileName).path }

  private func lockFileText() throws -> String {
    try String(contentsOfFile: lockPath, encoding: .utf8)
  }

  /// Returns the id of a process that has exited. Ids are reused only after the system wraps
  /// around.
  private func exitedProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  private func assertLocked(
    by processID: Int32?, usesFlock: Bool = true, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertThrowsError(
      try OutputFolderLock.acquire(folder, usesFlock: usesFlock), file: file, line: line
    ) { error in
      guard let locked = error as? FolderLockedError else {
        return XCTFail("expected FolderLockedError, got \(error)", file: file, line: line)
      }
      XCTAssertEqual(locked.folder, folder.path, file: file, line: line)
      XCTAssertEqual(locked.processID, processID, file: file, line: line)
      XCTAssertTrue(
        locked.description.contains(folder.path), locked.description, file: file, line: line)
      if let processID {
        XCTAssertTrue(
          locked.description.contains("process \(processID)"), locked.description, file: file,
          line: line)
      }
    }
  }

  func testAcquireCreatesFolderAndRecordsProcessID() throws {
    let lock = try OutputFolderLock.acquire(folder)
    XCTAssertNil(lock.replacedProcessID)
    XCTAssertEqual(try lockFileText(), "\(getpid())\n")
    lock.release()
    XCTAssertFalse(FileManager.default.fileExists(atPath: lockPath))
    lock.release()
    let again = try OutputFolderLock.acquire(folder)
    XCTAssertNil(again.replacedProcessID)
  }

  func testSecondAcquireInSameProcessFails() throws {
    let lock = try OutputFolderLock.acquire(folder)
    assertLocked(by: getpid())
    withExtendedLifetime(lock) {}
  }

  func testDeinitReleasesLock() throws {
    do {
      _ = try OutputFolderLock.acquire(folder)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: lockPath))
    XCTAssertNoThrow(try OutputFolderLock.acquire(folder))
  }

  func testStaleLockFileIsReplaced() throws {
    let deadID = try exitedProcessID()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try "\(deadID)\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
    let lock = try OutputFolderLock.acquire(folder)
    XCTAssertEqual(lock.replacedProcessID, deadID)
    XCTAssertEqual(try lockFileText(), "\(getpid())\n")
  }

  func testProcessIDFallbackWithoutFlock() throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let parentID = getppid()
    try "\(parentID)\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
    assertLocked(by: parentID, usesFlock: false)

    let deadID = try exitedProcessID()
    try "\(deadID)\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
    let lock = try OutputFolderLock.acquire(folder, usesFlock: false)
    XCTAssertEqual(lock.replacedProcessID, deadID)
    XCTAssertEqual(try lockFileText(), "\(getpid())\n")
    lock.release()
    XCTAssertFalse(FileManager.default.fileExists(atPath: lockPath))
  }

  /// Holds the lock of the child's folder until the parent kills this process.
  private func runHolderRole() throws {
    let parent = getppid()
    let started = Date()
    let lock = try OutputFolderLock.acquire(ChildProcess.folder)
    let marker = ChildProcess.folder.deletingLastPathComponent().appendingPathComponent("locked")
    _ = FileManager.default.createFile(atPath: marker.path, contents: nil)
    withExtendedLifetime(lock) {
      while true {
        ChildProcess.exitIfAbandoned(parent: parent, started: started)
        usleep(10_000)
      }
    }
  }

  func testOtherProcessHoldsThenDies() throws {
    if ChildProcess.role == "lock-holder" {
      return try runHolderRole()
    }
    let marker = folder.deletingLastPathComponent().appendingPathComponent("locked")
    let child = try ChildProcess.start(
      test: "CheckpointFolderLockTests/testOtherProcessHoldsThenDies", role: "lock-holder",
      folder: folder)
    guard ChildProcess.waitForFile(marker, seconds: 60, child: child) else {
      ChildProcess.kill(child)
      return XCTFail("the lock-holder child did not take the lock")
    }
    assertLocked(by: child.processIdentifier)
    assertLocked(by: child.processIdentifier, usesFlock: false)

    ChildProcess.kill(child)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: lockPath), "SIGKILL left no stale lock file")
    let lock = try OutputFolderLock.acquire(folder)
    XCTAssertEqual(lock.replacedProcessID, child.processIdentifier)
    XCTAssertEqual(try lockFileText(), "\(getpid())\n")
  }

  func testConcurrentAcquiresHaveOneWinner() throws {
    // Threads of one process contend like processes do, because each acquire opens its own
    // file description and flock locks are per description.
    for round in 0..<20 {
      let results = ConcurrentResults()
      DispatchQueue.concurrentPerform(iterations: 4) { _ in
        do {
          results.append(.success(try OutputFolderLock.acquire(folder)))
        } catch {
          results.append(.failure(error))
        }
      }
      let outcomes = results.values
      let winners = outcomes.compactMap { try? $0.get() }
      XCTAssertEqual(winners.count, 1, "round \(round): \(outcomes)")
      for case .failure(let error) in outcomes {
        XCTAssertTrue(error is FolderLockedError, "round \(round): \(error)")
      }
      winners.forEach { $0.release() }
    }
  }
}

/// Results collected from concurrent closures.
private final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [Result<OutputFolderLock, Error>] = []

  func append(_ result: Result<OutputFolderLock, Error>) {
    lock.lock()
    stored.append(result)
    lock.unlock()
  }

  var values: [Result<OutputFolderLock, Error>] {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}
