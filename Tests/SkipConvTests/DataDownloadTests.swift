import Foundation
import XCTest

@testable import SkipConv

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Opens a TCP socket listening on 127.0.0.1 at a port the kernel picks, and returns it with
/// that port.
func listenOnLoopback() throws -> (socket: Int32, port: UInt16) {
  let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard listener >= 0 else { throw POSIXError(.EIO) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = 0
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
      bind(listener, pointer, length) == 0 && listen(listener, 8) == 0
        && getsockname(listener, pointer, &length) == 0
    }
  }
  guard bound else {
    close(listener)
    throw POSIXError(.EADDRNOTAVAIL)
  }
  return (listener, UInt16(bigEndian: address.sin_port))
}

/// A small HTTP/1.1 server on 127.0.0.1 that serves fixed bodies by path, returns 404 for any
/// other path, and closes each connection after one response.
final class LocalHTTPServer: @unchecked Sendable {
  let port: UInt16
  private let listener: Int32
  private let bodies: [String: [UInt8]]
  private let lock = NSLock()
  private var paths: [String] = []
  private let finished = DispatchSemaphore(value: 0)

  init(bodies: [String: [UInt8]]) throws {
    self.bodies = bodies
    (listener, port) = try listenOnLoopback()
    Thread.detachNewThread { [self] in serve() }
  }

  /// The base URL of the server.
  var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

  /// The request paths received so far, in order.
  var requestedPaths: [String] {
    lock.lock()
    defer { lock.unlock() }
    return paths
  }

  /// Stops accepting connections and waits for the server thread to end.
  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    finished.wait()
    close(listener)
  }

  private func serve() {
    defer { finished.signal() }
    while true {
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else { return }
      respond(on: connection)
      close(connection)
    }
  }

  private func respond(on connection: Int32) {
    var request: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
      let count = recv(connection, &buffer, buffer.count, 0)
      guard count > 0 else { return }
      request += buffer[0..<count]
    }
    let firstLine = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
    let path = firstLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
    lock.lock()
    paths.append(path)
    lock.unlock()
    let body = bodies[path]
    let status = body == nil ? "404 Not Found" : "200 OK"
    let payload = body ?? Array("not found\n".utf8)
    let head =
      "HTTP/1.1 \(status)\r\nContent-Length: \(payload.count)\r\n"
      + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    let response = Array(head.utf8) + payload
    var sent = 0
    while sent < response.count {
      let count = response.withUnsafeBufferPointer {
        send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      guard count > 0 else { return }
      sent += count
    }
  }
}

/// SHA-256, the data folder, and downloads from a local server.
final class DataDownloadTests: XCTestCase {
  func testSHA256KnownVectors() {
    let vectors: [(String, String)] = [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
      (
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
          + "lmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
      ),
    ]
    for (message, digest) in vectors {
      XCTAssertEqual(SHA256.hexDigest(Array(message.utf8)), digest, message)
    }
    XCTAssertEqual(
      SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testSHA256IncrementalMatchesWhole() {
    var generator = SeededGenerator(seed: 12)
    let bytes = (0..<10_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let whole = SHA256.hexDigest(bytes)
    for chunkSize in [1, 55, 63, 64, 65, 1_000] {
      var hasher = SHA256()
      for start in stride(from: 0, to: bytes.count, by: chunkSize) {
        hasher.update(bytes[start..<min(start + chunkSize, bytes.count)])
      }
      XCTAssertEqual(SHA256.hexString(hasher.finalize()), whole, "chunks of \(chunkSize)")
    }
    for length in [55, 56, 63, 64, 119, 120] {
      XCTAssertEqual(SHA256.hexDigest(bytes.prefix(length)).count, 64)
    }
  }

  func testPublishedFilesMatchRegistry() throws {
    for dataset in DatasetRegistry.all {
      for file in dataset.files {
        let url = try testDataFile(dataset.name, file.name)
        XCTAssertEqual(try SHA256.hexDigest(ofFile: url), file.sha256, file.name)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
        XCTAssertEqual(size, file.byteCount, file.name)
      }
    }
  }

  func testRegistryEntries() throws {
    XCTAssertEqual(DatasetRegistry.names, ["sst2", "trec", "ag_news"])
    let sst2 = try DatasetRegistry.descriptor(named: "sst2")
    XCTAssertEqual(
      try sst2.file(for: .validation).url.absoluteString,
      "https://raw.githubusercontent.com/PrincetonML/SIF/master/data/sentiment-dev")
    let trec = try DatasetRegistry.descriptor(named: "trec")
    XCTAssertEqual(
      try trec.file(for: .test).url.absoluteString,
      "https://cogcomp.seas.upenn.edu/Data/QA/QC/TREC_10.label")
    let news = try DatasetRegistry.descriptor(named: "ag_news")
    XCTAssertEqual(try news.file(for: .train).name, "test.csv")
    assertDataError(.missingSplit(dataset: "ag_news", split: "test")) {
      try news.file(for: .test)
    }
    XCTAssertEqual(news.files.map(\.name), ["test.csv", "classes.txt"])
  }

  func testDefaultDirectory() {
    XCTAssertEqual(
      DatasetStore.defaultDirectory(
        environment: ["SKIPCONV_DATA": "/d/data", "XDG_CACHE_HOME": "/c", "HOME": "/h"]).path,
      "/d/data")
    XCTAssertEqual(
      DatasetStore.defaultDirectory(
        environment: ["SKIPCONV_DATA": "", "XDG_CACHE_HOME": "/c", "HOME": "/h"]).path,
      "/c/skipconv")
    XCTAssertEqual(
      DatasetStore.defaultDirectory(environment: ["HOME": "/h"]).path, "/h/.cache/skipconv")
  }

  func testMirrorFromEnvironment() throws {
    let store = try DatasetStore(
      directory: URL(fileURLWithPath: "/tmp/x"),
      environment: ["SKIPCONV_DATA_MIRROR": "http://127.0.0.1:8000/base"])
    let trec = try DatasetRegistry.descriptor(named: "trec")
    XCTAssertEqual(
      store.downloadURL(of: trec.files[0], in: trec).absoluteString,
      "http://127.0.0.1:8000/base/trec/train_5500.label")
    XCTAssertEqual(
      store.localURL(of: trec.files[0], in: trec).path, "/tmp/x/trec/train_5500.label")
    let published = try DatasetStore(directory: URL(fileURLWithPath: "/tmp/x"), environment: [:])
    XCTAssertEqual(published.downloadURL(of: trec.files[0], in: trec), trec.files[0].url)
    assertDataError(
      .invalidOption(
        "invalid SKIPCONV_DATA_MIRROR 'not a url': expected a base URL such as "
          + "http://127.0.0.1:8000")
    ) { try DatasetStore(environment: ["SKIPCONV_DATA_MIRROR": "not a url"]) }
  }

  /// Serves the published files of `datasets` from a local server, with `changes` applied.
  private func startServer(
    _ datasets: [String], changes: (inout [String: [UInt8]]) -> Void = { _ in }
  ) throws -> LocalHTTPServer {
    var bodies: [String: [UInt8]] = [:]
    for name in datasets {
      for file in try DatasetRegistry.descriptor(named: name).files {
        let data = try Data(contentsOf: try testDataFile(name, file.name))
        bodies["/\(name)/\(file.name)"] = [UInt8](data)
      }
    }
    changes(&bodies)
    return try LocalHTTPServer(bodies: bodies)
  }

  private func folderContents(_ url: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
  }

  func testDownloadFromLocalServer() throws {
    let server = try startServer(["trec"])
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let store = try DatasetStore(directory: folder.url, mirror: server.url)
    let trec = try DatasetRegistry.descriptor(named: "trec")
    let datasetFolder = try store.prepare(trec)
    XCTAssertEqual(folderContents(datasetFolder), ["TREC_10.label", "train_5500.label"])
    XCTAssertEqual(server.requestedPaths, ["/trec/train_5500.label", "/trec/TREC_10.label"])
    for file in trec.files {
      let stored = try Data(contentsOf: store.localURL(of: file, in: trec))
      XCTAssertEqual(stored, try Data(contentsOf: try testDataFile("trec", file.name)))
    }
    try store.verify(trec)
    try store.prepare(trec)
    XCTAssertEqual(server.requestedPaths.count, 2)
    let splits = try DatasetLoader.load(dataset: "trec", store: store, seed: 3)
    XCTAssertEqual(splits.train.count + splits.validation.count, 5_452)
  }

  func testChecksumMismatchDeletesDownload() throws {
    var corrupted: [UInt8] = []
    let server = try startServer(["sst2"]) { bodies in
      bodies["/sst2/sentiment-dev"]![1_000] ^= 0x20
      corrupted = bodies["/sst2/sentiment-dev"]!
    }
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let store = try DatasetStore(directory: folder.url, mirror: server.url)
    let sst2 = try DatasetRegistry.descriptor(named: "sst2")
    let dev = try sst2.file(for: .validation)
    let expected = DataError.checksumMismatch(
      url: "\(server.url.absoluteString)/sst2/sentiment-dev", expected: dev.sha256,
      actual: SHA256.hexDigest(corrupted))
    assertDataError(
      expected, containing: ["SHA-256 mismatch", dev.sha256, "127.0.0.1", "was deleted"]
    ) { try store.download(dev, of: sst2) }
    XCTAssertEqual(folderContents(folder.url.appendingPathComponent("sst2")), [])
    try store.download(try sst2.file(for: .test), of: sst2)
    XCTAssertEqual(folderContents(folder.url.appendingPathComponent("sst2")), ["sentiment-test"])
  }

  func testMissingFileOnServer() throws {
    let server = try startServer(["ag_news"]) { bodies in
      bodies["/ag_news/classes.txt"] = nil
    }
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let store = try DatasetStore(directory: folder.url, mirror: server.url)
    let news = try DatasetRegistry.descriptor(named: "ag_news")
    assertDataError(
      .downloadFailed(
        url: "\(server.url.absoluteString)/ag_news/classes.txt",
        reason: "HTTP status 404; check that the server serves the file, or download "
          + "\(news.files.first { $0.name == "classes.txt" }!.url.absoluteString) by hand and "
          + "put it into \(folder.url.path)/ag_news as classes.txt"),
      containing: ["download failed", "404"]
    ) { try store.prepare(news) }
    XCTAssertEqual(folderContents(folder.url.appendingPathComponent("ag_news")), ["test.csv"])
    XCTAssertThrowsError(try store.verify(news))
  }
}
