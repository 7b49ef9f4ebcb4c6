import Foundation
import XCTest

@testable import SkipConv

/// Long training runs on the default OpenCL device neither leak device buffers nor grow host
/// memory.
final class ReliabilityResourceTests: XCTestCase {
  /// Returns the resident set size of this process in bytes, from `/proc/self/statm`.
  private func residentBytes() throws -> Int {
    let text = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
    let fields = text.split(separator: " ")
    let pages = try XCTUnwrap(fields.count > 1 ? Int(fields[1]) : nil, text)
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// Device buffers and resident memory sampled during training.
  private final class Sampler: TrainingObserver {
    let ledger: BufferLedger
    let warmUpSteps: Int
    let totalSteps: Int
    let measure: () throws -> Int
    /// Largest live buffer count and bytes over the window after warm-up, and over the last
    /// window of the same length.
    var early = (count: 0, bytes: 0)
    var late = (count: 0, bytes: 0)
    var residentAfterWarmUp = 0
    var residentAtEnd = 0
    var error: Error?

    init(
      ledger: BufferLedger, warmUpSteps: Int, totalSteps: Int,
      measure: @escaping () throws -> Int
    ) {
      self.ledger = ledger
      self.warmUpSteps = warmUpSteps
      self.totalSteps = totalSteps
      self.measure = measure
    }

    func trainingDidStep(_ metrics: StepMetrics) {
      let sample = (count: ledger.liveCount, bytes: ledger.liveBytes)
      if metrics.step > warmUpSteps, metrics.step <= 2 * warmUpSteps {
        early = (max(early.count, sample.count), max(early.bytes, sample.bytes))
      }
      if metrics.step > totalSteps - warmUpSteps {
        late = (max(late.count, sample.count), max(late.bytes, sample.bytes))
      }
      do {
        if metrics.step == warmUpSteps {
          residentAfterWarmUp = try measure()
        } else if metrics.step == totalSteps {
          residentAtEnd = try measure()
        }
      } catch {
        self.error = error
      }
    }

    func trainingDidFinishEpoch(_ metrics: EpochMetrics) {}
    func trainingDidSaveCheckpoint(path: String, reason: String) {}
  }

  func testTenThousandStepsHoldMemorySteady() throws {
    let backend = try requireOpenCL()
    let folder = try TemporaryFolder()
    var configuration = ModelConfiguration()
    configuration.embeddingDimension = 4
    configuration.channels = 4
    configuration.depth = 1
    configuration.dropout = 0
    let model = try TextClassifier(
      configuration: configuration, vocabularySize: 50, classCount: 3, backend: backend, seed: 9)
    var settings = TrainingSettings()
    settings.batchSize = 4
    settings.epochs = 100
    let optimizer = try Optimizer(
      parameters: model.parameters, settings: settings.optimizer, backend: backend)
    let step = TrainingStep(model: model, optimizer: optimizer, backend: backend)

    // 400 examples of 5 to 20 tokens in a new order each epoch, so batch shapes keep changing.
    var random = SeededGenerator(seed: 10)
    let sequences = (0..<400).map { index in
      (0..<(5 + index % 16)).map { _ in Int32(1 + random.next() % 49) }
    }
    let train = EncodedDataset(
      sequences: sequences, labels: (0..<400).map { _ in Int32(random.next() % 3) },
      minLength: 5)
    let schedule = try BatchSchedule(
      lengths: train.lengths, batchSize: settings.batchSize, seed: 10, bucketSize: nil)
    let data = TrainingData(
      train: train, validation: train.subset(Array(0..<12)),
      batchOrder: { schedule.batches(epoch: $0) })
    let metadata = CheckpointMetadata(
      configuration: configuration, tokenizer: .word,
      vocabulary: try Vocabulary.build(
        from: [(0..<48).map { "w\($0)" }.joined(separator: " ")], tokenizer: .word),
      labels: LabelSet(labels: ["a", "b", "c"]), training: settings)
    let trainer = Trainer(step: step, settings: settings, data: data) { position, _ in
      var contents = metadata
      contents.position = position
      let url = folder.url.appendingPathComponent("last.safetensors")
      try ModelCheckpoint.save(
        model: model, optimizer: optimizer, metadata: contents, backend: backend, to: url)
      return url.path
    }
    let totalSteps = settings.epochs * 100
    let sampler = Sampler(
      ledger: backend.context.buffers, warmUpSteps: 1_000, totalSteps: totalSteps,
      measure: residentBytes)
    trainer.observer = sampler
    let started = Date()
    let position = try trainer.run(from: TrainingPosition(), shouldStop: { false })
    let seconds = Date().timeIntervalSince(started)
    if let error = sampler.error {
      throw error
    }

    let growth = sampler.residentAtEnd - sampler.residentAfterWarmUp
    print(
      "\(position.globalStep) steps in \(String(format: "%.1f", seconds)) s; live device buffers "
        + "(max over steps 1001-2000, then over the last 1000): \(sampler.early.count) and "
        + "\(sampler.late.count) buffers, \(sampler.early.bytes) and \(sampler.late.bytes) bytes; "
        + "resident memory \(sampler.residentAfterWarmUp / 1024) KiB after step 1000, "
        + "\(sampler.residentAtEnd / 1024) KiB after step \(totalSteps) "
        + "(\(growth >= 0 ? "+" : "")\(growth / 1024) KiB)")
    XCTAssertEqual(position.globalStep, totalSteps)
    XCTAssertGreaterThan(sampler.early.count, 0)
    // Batch shapes repeat, so the live buffers after 9,000 more steps must not exceed those of
    // the first window: one buffer leaked per step would add 9,000.
    XCTAssertLessThanOrEqual(sampler.late.count, sampler.early.count)
    XCTAssertLessThanOrEqual(sampler.late.bytes, sampler.early.bytes)
    // A leak of 1 KiB per step would add about 9 MiB; allocator noise stays far below 4 MiB.
    XCTAssertLessThan(growth, 4 << 20, "resident memory grew by \(growth) bytes")
  }
}
