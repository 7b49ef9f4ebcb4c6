import Foundation
import XCTest

@testable import SkipConv

/// Device faults through the library: too little device memory for a batch, a buffer larger
/// than the device allows, and a kernel that does not build. Each test opens its own context,
/// because it changes the context's memory limit or kernel sources.
final class ReliabilityDeviceTests: XCTestCase {
  private func freshBackend() throws -> OpenCLBackend {
    OpenCLBackend(context: try ComputeContext(device: chooseDevice(nil)))
  }

  private func smallModel(_ backend: Backend, channels: Int = 8) throws -> TrainingStep {
    var configuration = ModelConfiguration()
    configuration.embeddingDimension = 8
    configuration.channels = channels
    configuration.depth = 1
    let model = try TextClassifier(
      configuration: configuration, vocabularySize: 40, classCount: 3, backend: backend, seed: 5)
    let optimizer = try Optimizer(
      parameters: model.parameters, settings: OptimizerSettings(), backend: backend)
    return TrainingStep(model: model, optimizer: optimizer, backend: backend)
  }

  private func randomBatch(size: Int, length: Int, seed: UInt64) -> TokenBatch {
    var random = SeededGenerator(seed: seed)
    return TokenBatch(
      tokens: (0..<size * length).map { _ in Int32(1 + random.next() % 39) },
      labels: (0..<size).map { _ in Int32(random.next() % 3) },
      lengths: [Int32](repeating: Int32(length), count: size), batchSize: size, length: length)
  }

  /// A batch far too large for the memory left raises an error that asks for a smaller batch,
  /// and a small batch still trains afterwards.
  func testLargeBatchRunsOutOfDeviceMemory() throws {
    let backend = try freshBackend()
    let step = try smallModel(backend)
    let ledger = backend.context.buffers
    let limit = ledger.liveBytes + (1 << 20)
    backend.context.memoryLimitBytes = limit
    let large = randomBatch(size: 256, length: 400, seed: 1)
    XCTAssertThrowsError(
      try step.train(step.upload(large, forTraining: true), learningRate: 1e-3, dropoutSeed: 1)
    ) { error in
      guard case OpenCLError.outOfDeviceMemory(let requested, let live, let limitBytes, _) = error
      else {
        return XCTFail("expected outOfDeviceMemory, got \(error)")
      }
      XCTAssertGreaterThan(requested + live, limitBytes)
      XCTAssertEqual(limitBytes, limit)
      let message = "\(error)"
      XCTAssertTrue(message.contains("out of device memory"), message)
      XCTAssertTrue(message.contains("smaller batch (--batch-size)"), message)
      XCTAssertTrue(message.contains("\(requested)"), message)
      XCTAssertTrue(message.contains("\(limit)"), message)
    }
    XCTAssertLessThanOrEqual(ledger.liveBytes, limit)

    let small = randomBatch(size: 4, length: 9, seed: 2)
    try step.train(step.upload(small, forTraining: true), learningRate: 1e-3, dropoutSeed: 2)
    let outcome = try step.outcome(labels: small.labels)
    XCTAssertTrue(outcome.lossSum.isFinite, "loss \(outcome.lossSum)")
    XCTAssertLessThanOrEqual(ledger.peakBytes, limit)
  }

  /// A weight larger than the device's largest allocation is rejected while building the model.
  func testWeightAboveAllocationLimit() throws {
    let backend = try freshBackend()
    let channels = 65_536
    let weightBytes = channels * channels * 3 * 4
    try XCTSkipIf(
      weightBytes <= backend.context.info.maxAllocationBytes,
      "this device allocates \(weightBytes) bytes in one buffer")
    XCTAssertThrowsError(try smallModel(backend, channels: channels)) { error in
      XCTAssertEqual(
        error as? OpenCLError,
        .allocationTooLarge(
          requestedBytes: weightBytes, maxBytes: backend.context.info.maxAllocationBytes,
          device: backend.name))
      XCTAssertTrue("\(error)".contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), "\(error)")
    }
    XCTAssertLessThan(backend.context.buffers.liveBytes, weightBytes)
  }

  func testMemoryLimitParsing() throws {
    let cases: [(String, Int?)] = [
      ("1073741824", 1 << 30), ("512M", 512 << 20), ("4G", 4 << 30), ("4GiB", 4 << 30),
      ("4gb", 4 << 30), ("64k", 64 << 10), (" 2T ", 2 << 40), ("0", nil), ("-1", nil),
      ("1.5G", nil), ("G", nil), ("", nil), ("12X", nil), ("99999999999T", nil),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(MemoryLimit.parseByteCount(text), expected, "'\(text)'")
    }
    let info = try chooseDevice(nil).info
    XCTAssertEqual(
      try MemoryLimit.bytes(for: info, environment: ["SKIPCONV_MEMORY_LIMIT": "3M"]), 3 << 20)
    XCTAssertThrowsError(
      try MemoryLimit.bytes(for: info, environment: ["SKIPCONV_MEMORY_LIMIT": "lots"])
    ) { error in
      XCTAssertTrue("\(error)".contains("invalid SKIPCONV_MEMORY_LIMIT 'lots'"), "\(error)")
    }
    let standard = try MemoryLimit.bytes(for: info, environment: [:])
    XCTAssertLessThanOrEqual(standard, info.globalMemoryBytes)
    XCTAssertGreaterThan(standard, 0)
  }

  /// A kernel that does not build stops a training job with the file, the build log and what
  /// to change, and leaves no checkpoint and no lock behind.
  func testBrokenKernelStopsTrainingJob() throws {
    let backend = try freshBackend()
    backend.context.overrideSource(
      "__kernel void embedding_forward(__global float *x) { x[0] = no_such_value; }",
      for: "embedding.cl")
    let folder = try TemporaryFolder()
    var generator = SeededGenerator(seed: 8)
    let rows = (0..<40).map { "\($0 % 2)\t" + CSVFixtures.plainWords.shuffled(using: &generator)
      .joined(separator: " ") }
    let train = try folder.write("train.tsv", rows.joined(separator: "\n") + "\n")
    let output = folder.url.appendingPathComponent("out")
    var options = TrainingJobOptions(
      source: .files(train: train, validation: nil, test: nil), outputDirectory: output)
    options.configuration.embeddingDimension = 8
    options.configuration.channels = 8
    options.settings.epochs = 1
    XCTAssertThrowsError(try TrainingJob(options: options, backend: backend).run { false }) {
      error in
      guard case OpenCLError.buildFailed(let file, _, _, let log) = error else {
        return XCTFail("expected buildFailed, got \(error)")
      }
      XCTAssertEqual(file, "embedding.cl")
      XCTAssertTrue(log.contains("no_such_value"), log)
      XCTAssertTrue("\(error)".contains("choose another device with --device"), "\(error)")
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: output.path)
    XCTAssertFalse(left.contains(TrainingOutput.lastCheckpoint), "\(left)")
    XCTAssertFalse(left.contains(OutputFolderLock.fileName), "\(left)")
  }
}
