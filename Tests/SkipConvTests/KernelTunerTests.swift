import Foundation
import XCTest

@testable import SkipConv

final class KernelTunerTests: XCTestCase {
  func testTunerSkipsInvalidAndStoresFastestPassing() throws {
    let backend = try requireOpenCL()
    let info = backend.context.info
    let deviceClass = KernelVariants.defaults(for: info).deviceClass
    var broken = Conv1dKernelConfig.defaults(for: deviceClass)
    broken.blockChannels = 0
    broken.tileM = 0
    let candidates = Array(KernelTuner.candidates(for: deviceClass).prefix(2)) + [broken]
    var tuner = KernelTuner(context: backend.context)
    tuner.runs = 1
    var seen: [KernelTuner.Trial] = []
    let tuned = try tuner.tune(candidates: candidates) { seen.append($0) }

    XCTAssertEqual(seen.count, 6, "three candidates for each of conv1d and projection")
    for trial in seen.filter({ $0.configuration == broken }) {
      XCTAssertNil(trial.seconds)
      XCTAssertTrue(trial.failure?.contains("must be at least 1") ?? false, "\(trial)")
    }
    for op in ["conv1d", "projection"] {
      let timed = seen.filter { $0.op == op && $0.seconds != nil }
      XCTAssertEqual(timed.count, 2, "\(op): both valid candidates pass parity and are timed")
      let fastest = timed.min { $0.seconds! < $1.seconds! }!.configuration
      XCTAssertEqual(op == "conv1d" ? tuned.conv1d : tuned.projection, fastest, op)
    }

    let folder = try TemporaryFolder()
    let file = try tuned.save(for: info, folder: folder.url)
    XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
    let loaded = try XCTUnwrap(TunedVariants.load(for: info, folder: folder.url))
    XCTAssertEqual(loaded.conv1d, tuned.conv1d)
    XCTAssertEqual(loaded.projection, tuned.projection)
    XCTAssertEqual(loaded.trials.count, 6)

    var otherDriver = info
    otherDriver.driverVersion += "-next"
    XCTAssertNil(TunedVariants.load(for: otherDriver, folder: folder.url),
      "a choice must not carry over to another driver")
  }

  func testDamagedChoiceFallsBackToDefaults() throws {
    let info = try requireOpenCL().context.info
    let folder = try TemporaryFolder()
    try Data("{ not json".utf8).write(to: TunedVariants.file(for: info, in: folder.url))
    XCTAssertNil(TunedVariants.load(for: info, folder: folder.url))
    XCTAssertNil(TunedVariants.folder(environment: ["SKIPCONV_TUNING_CACHE": "off"]))
  }
}
