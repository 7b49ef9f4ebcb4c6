import Foundation
import XCTest

/// Runs the `skipconv` binary as a user would. `SKIPCONV_BINARY` names the binary to test (the
/// test script sets it to the static release build); otherwise the one built beside the tests.
final class CommandLineTests: XCTestCase {
  static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["SKIPCONV_BINARY"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    let testBundle = URL(fileURLWithPath: CommandLine.arguments[0])
    var folder = testBundle.deletingLastPathComponent()
    while folder.path != "/" && !FileManager.default.fileExists(
      atPath: folder.appendingPathComponent("skipconv").path)
    {
      folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("skipconv")
  }

  /// Runs the binary with `arguments` and returns its exit status and output.
  static func run(
    _ arguments: [String], binary: URL = binary, directory: URL? = nil,
    environment: [String: String]? = nil
  ) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory {
      process.currentDirectoryURL = directory
    }
    if let environment {
      process.environment = environment
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
      String(decoding: stderr, as: UTF8.self))
  }

  func testDevicesListsDefault() throws {
    let result = try Self.run(["devices"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("(default)"), result.stdout)
    for fact in ["max allocation", "compute units", "OpenCL C version", "fp16", "local memory"] {
      XCTAssertTrue(result.stdout.contains(fact), "missing \(fact): \(result.stdout)")
    }
  }

  func testHelpListsSubcommands() throws {
    let result = try Self.run(["--help"])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stdout.contains("devices"), result.stdout)
    let devicesHelp = try Self.run(["devices", "--help"])
    XCTAssertEqual(devicesHelp.status, 0)
    XCTAssertTrue(devicesHelp.stdout.contains("--check"), devicesHelp.stdout)
  }

  func testArgumentErrorsExitWithStatusTwo() throws {
    for arguments in [["devices", "--no-such-option"], ["no-such-command"], [], ["devices", "x"]] {
      let result = try Self.run(arguments)
      XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("skipconv"), "\(arguments): \(result.stderr)")
    }
  }

  /// The binary alone, copied to an empty folder and run from there, still lists devices and runs
  /// a kernel: its kernel sources are embedded.
  func testCopiedBinaryRunsKernel() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("skipconv-copy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("skipconv")
    try FileManager.default.copyItem(at: Self.binary, to: copy)
    let result = try Self.run(["devices", "--check"], binary: copy, directory: folder)
    XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    XCTAssertTrue(result.stdout.contains("kernel check        passed"), result.stdout)
  }
}
