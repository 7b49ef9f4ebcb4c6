import Foundation
import XCTest

@testable import SkipConv

/// Messages of failed downloads, configuration files, data files and output folders through the
/// command line: plain words, the file or key concerned, and the option to use.
final class ReliabilityInputMessageTests: XCTestCase {
  /// A socket on 127.0.0.1 that listens and never accepts, so the kernel completes each TCP
  /// handshake and the client then waits for a response that never comes.
  private final class SilentListener {
    let socket: Int32
    let port: UInt16

    init() throws {
      (socket, port) = try listenOnLoopback()
    }

    deinit { close(socket) }
  }

  /// CPU seconds, user and system, of the finished child processes of this process.
  private func childCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
    let micros = usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
    return Double(seconds) + Double(micros) / 1e6
  }

  func testStalledDownloadTimesOutWithoutCPU() throws {
    let listener = try SilentListener()
    let folder = try TemporaryFolder()
    let dataFolder = folder.url.appendingPathComponent("data")
    let mirror = "http://127.0.0.1:\(listener.port)"
    let checkpoint = try folder.write("model.safetensors", "not used before the download")
    let before = childCPUSeconds()
    let started = Date()
    let result = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint.path, "--dataset", "trec", "--data-dir",
        dataFolder.path],
      environment: ["SKIPCONV_DATA_MIRROR": mirror, "SKIPCONV_DOWNLOAD_TIMEOUT": "1.5"])
    let wall = Date().timeIntervalSince(started)
    let cpu = childCPUSeconds() - before
    XCTAssertEqual(result.status, 4, result.stderr)
    let expected = "\(mirror)/trec/TREC_10.label: download failed: timed out after 1.5 s with "
      + "no response; check the network connection, or download "
    XCTAssertTrue(result.stderr.contains(expected), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("into \(dataFolder.path)/trec as TREC_10.label"), result.stderr)
    XCTAssertFalse(result.stderr.contains("NSURLErrorDomain"), result.stderr)
    XCTAssertGreaterThanOrEqual(wall, 1.5)
    // Start-up takes a fraction of a second; a busy wait would take about the whole 1.5 s.
    XCTAssertLessThan(cpu, 0.75, "child CPU seconds while waiting \(wall) s")
  }

  func testRefusedDownloadSaysConnectionRefused() throws {
    let port: UInt16
    do {
      let closed = try SilentListener()
      port = closed.port
    }
    let folder = try TemporaryFolder()
    let checkpoint = try folder.write("model.safetensors", "not used before the download")
    let result = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint.path, "--dataset", "trec", "--data-dir",
        folder.url.appendingPathComponent("data").path],
      environment: ["SKIPCONV_DATA_MIRROR": "http://127.0.0.1:\(port)"])
    XCTAssertEqual(result.status, 4, result.stderr)
    XCTAssertTrue(
      result.stderr.contains("download failed: connection refused by 127.0.0.1 port \(port)"),
      result.stderr)
  }

  func testEvaluateFetchesOnlyItsSplit() throws {
    let body = Array(try Data(contentsOf: try testDataFile("sst2", "sentiment-test")))
    let server = try LocalHTTPServer(bodies: ["/sst2/sentiment-test": body])
    let folder = try TemporaryFolder()
    let checkpoint = try folder.write("model.safetensors", "not a checkpoint")
    let result = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint.path, "--dataset", "sst2", "--data-dir",
        folder.url.path],
      environment: ["SKIPCONV_DATA_MIRROR": server.url.absoluteString])
    XCTAssertEqual(result.status, 4, result.stderr)
    XCTAssertEqual(server.requestedPaths, ["/sst2/sentiment-test"])
    let missing = try runSkipConv(
      ["evaluate", "--checkpoint", checkpoint.path, "--dataset", "ag_news", "--data-dir",
        folder.url.path])
    XCTAssertEqual(missing.status, 4, missing.stderr)
    XCTAssertTrue(
      missing.stderr.contains("dataset 'ag_news' has no test split; choose another with "
        + "--split: --split train"), missing.stderr)
  }

  func testConfigurationFileErrorsNameFileAndKey() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let cases: [(name: String, content: String, fragment: String)] = [
      ("type.json", #"{"kernel_size": "three"}"#,
        "type.json: key 'kernel_size' has the wrong type, expected an integer"),
      ("truncated.json", #"{"kernel_size": 3, "chan"#, "truncated.json is not valid JSON"),
      ("zero.json", #"{"kernel_size": 0}"#, "zero.json: key 'kernel_size' must be at least 1"),
      ("list.json", "[1, 2]", "list.json is not a JSON object"),
    ]
    for (name, content, fragment) in cases {
      let config = try folder.write(name, content)
      let result = try runSkipConv(
        ["train", "--train", train.path, "--config", config.path, "--out",
          folder.url.appendingPathComponent("out-\(name)").path] + tinyModelOptions)
      XCTAssertEqual(result.status, 2, name + "\n" + result.stderr)
      XCTAssertTrue(result.stderr.contains(fragment), name + "\n" + result.stderr)
      XCTAssertFalse(result.stderr.contains("DecodingError"), result.stderr)
      XCTAssertFalse(result.stderr.contains("kernelSize"), result.stderr)
    }
  }

  func testDataAndOutputErrorsNameOptions() throws {
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let outputFile = try folder.write("taken", "a file, not a folder")
    let unknownFormat = try folder.write("rows.dat", "some words without any label\nmore\n")
    let single = try folder.write("single.tsv", "red\tred sky at night\n")
    let badRow = try folder.write("bad.tsv", "red\tred sky\nonly one column\nblue\tblue sea\n")
    let output = folder.url.appendingPathComponent("out").path
    let missing = folder.url.appendingPathComponent("missing.tsv").path
    let cases: [(arguments: [String], status: Int32, fragment: String)] = [
      (["--train", train.path, "--out", outputFile.path], 6,
        "\(outputFile.path): the path is a file, not a folder; choose a folder for the output"),
      (["--train", missing, "--out", output], 4, "\(missing): file not found; check the path"),
      (["--train", unknownFormat.path, "--out", output], 4,
        "pass --format with one of csv, tsv"),
      (["--train", single.path, "--out", output], 4,
        "\(single.path): cannot hold out validation examples from 1 usable example(s)"),
      (["--train", badRow.path, "--out", output], 4,
        "\(badRow.path):2: expected 2 columns, found 1; fix the row, or skip such rows with "
          + "--skip-invalid"),
    ]

    for (arguments, status, fragment) in cases {
      let result = try runSkipConv(["train"] + arguments + tinyModelOptions)
      let context = arguments.joined(separator: " ")
      XCTAssertEqual(result.status, status, context + "\n" + result.stderr)
      XCTAssertTrue(result.stderr.contains(fragment), context + "\n" + result.stderr)
      XCTAssertFalse(result.stderr.contains("download the dataset"), result.stderr)
      XCTAssertFalse(result.stderr.contains("ReadOptions"), result.stderr)
      XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
    }

    let singleRow = try runSkipConv(["train", "--train", single.path, "--out", output])
    XCTAssertTrue(singleRow.stderr.contains("--validation FILE"), singleRow.stderr)
  }

  func testUnwritableOutputFolderSaysNotWritable() throws {
    try XCTSkipIf(geteuid() == 0, "root may write into any folder")
    let folder = try TemporaryFolder()
    let train = try writeColourFile(folder, "train.tsv", count: 40)
    let locked = folder.url.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
    XCTAssertEqual(chmod(locked.path, 0o555), 0)
    defer { chmod(locked.path, 0o755) }
    let result = try runSkipConv(
      ["train", "--train", train.path, "--out", locked.path] + tinyModelOptions)
    XCTAssertEqual(result.status, 6, result.stderr)
    XCTAssertTrue(
      result.stderr.contains("the folder is not writable; choose another output folder (--out)"),
      result.stderr)
  }
}
