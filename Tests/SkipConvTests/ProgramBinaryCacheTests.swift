import Foundation
import XCTest

@testable import SkipConv

final class ProgramBinaryCacheTests: XCTestCase {
  private func runAdd(_ context: ComputeContext) throws -> [Float] {
    let a: [Float] = [1, -2, 3, -4, 5]
    let b: [Float] = [0.5, 0.5, -4, 1, 1]
    let buffers = try (0..<3).map { _ in try context.makeBuffer(.float32, count: 5) }
    try context.write(a, to: buffers[0])
    try context.write(b, to: buffers[1])
    try context.launch(
      "residual_add_forward", file: "residual_add.cl", globalSize: [5],
      arguments: [.buffer(buffers[0]), .buffer(buffers[1]), .buffer(buffers[2]), .int(5), .int(1)])
    return try context.read(buffers[2])
  }

  func testSecondContextLoadsBinaryFromCache() throws {
    let folder = try TemporaryFolder()
    let cache = ProgramBinaryCache(directory: folder.url)
    let device = try chooseDevice(nil)

    let cold = try ComputeContext(device: device, binaryCache: cache)
    let expected = try runAdd(cold)
    XCTAssertEqual(cold.programStatistics.builtFromSource, 1)
    XCTAssertEqual(cold.programStatistics.loadedFromCache, 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
    XCTAssertEqual(files.filter { $0.hasSuffix(".bin") }.count, 1, "files: \(files)")

    let warm = try ComputeContext(device: device, binaryCache: cache)
    XCTAssertEqual(try runAdd(warm), expected)
    XCTAssertEqual(warm.programStatistics.builtFromSource, 0)
    XCTAssertEqual(warm.programStatistics.loadedFromCache, 1)
    print(
      "residual_add.cl: cold build \(cold.programStatistics.buildSeconds) s, "
        + "warm load \(warm.programStatistics.buildSeconds) s")
  }

  func testCorruptBinaryFallsBackToSource() throws {
    let folder = try TemporaryFolder()
    let cache = ProgramBinaryCache(directory: folder.url)
    let device = try chooseDevice(nil)
    _ = try runAdd(try ComputeContext(device: device, binaryCache: cache))
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path) {
      try Data("not a program binary".utf8).write(to: folder.url.appendingPathComponent(name))
    }
    let context = try ComputeContext(device: device, binaryCache: cache)
    XCTAssertEqual(try runAdd(context), [1.5, 0, 0, 0, 6])
    XCTAssertEqual(context.programStatistics.builtFromSource, 1)
  }

  func testKeyChangesWithSourceOptionsAndDriver() throws {
    let cache = ProgramBinaryCache(directory: nil)
    var info = try chooseDevice(nil).info
    let base = cache.key(source: "kernel", options: "-D A=1", device: info)
    XCTAssertNotEqual(base, cache.key(source: "kernel2", options: "-D A=1", device: info))
    XCTAssertNotEqual(base, cache.key(source: "kernel", options: "-D A=2", device: info))
    info.driverVersion += "-updated"
    XCTAssertNotEqual(base, cache.key(source: "kernel", options: "-D A=1", device: info))
  }

  func testEnvironmentChoosesFolder() {
    XCTAssertNil(ProgramBinaryCache.fromEnvironment(["SKIPCONV_KERNEL_CACHE": "off"]).directory)
    XCTAssertEqual(
      ProgramBinaryCache.fromEnvironment(["SKIPCONV_KERNEL_CACHE": "/tmp/k"]).directory?.path,
      "/tmp/k")
    XCTAssertEqual(
      ProgramBinaryCache.fromEnvironment(["XDG_CACHE_HOME": "/tmp/c"]).directory?.path,
      "/tmp/c/skipconv/kernels")
  }
}
