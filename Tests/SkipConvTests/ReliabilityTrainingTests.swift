import Foundation
import XCTest

@testable import SkipConv

/// Training under numeric faults on the default OpenCL device: a NaN or infinite value stops
/// training at its step and keeps the last good checkpoint.
final class ReliabilityTrainingTests: XCTestCase {
  static let vocabularySize = 50
  static let classes = ["a", "b", "c"]

  /// A small model on random token sequences, trained through `Trainer` with checkpoints in
  /// `folder`.
  final class SmallRun: TrainingObserver {
    let backend: Backend
    let step: TrainingStep
    let trainer: Trainer
    let folder: URL
    let stepsPerEpoch: Int
    /// Called after each checkpoint, with its path and reason.
    var afterCheckpoint: ((String, String) -> Void)?

    init(backend: Backend, folder: URL, epochs: Int, examples: Int = 64, batchSize: Int = 16)
      throws
    {
      var configuration = ModelConfiguration()
      configuration.embeddingDimension = 8
      configuration.channels = 8
      configuration.depth = 1
      configuration.stages = 2
      let model = try TextClassifier(
        configuration: configuration, vocabularySize: vocabularySize,
        classCount: classes.count, backend: backend, seed: 3)
      var settings = TrainingSettings()
      settings.epochs = epochs
      settings.batchSize = batchSize
      let optimizer = try Optimizer(
        parameters: model.parameters, settings: settings.optimizer, backend: backend)
      step = TrainingStep(model: model, optimizer: optimizer, backend: backend)

      // Token ids 2 to 39 only, so that embedding rows 40 and up never get a gradient.
      var random = SeededGenerator(seed: 17)
      let sequences = (0..<examples).map { index in
        (0..<(5 + index % 9)).map { _ in Int32(2 + random.next() % 38) }
      }
      let labels = (0..<examples).map { _ in Int32(random.next() % UInt64(classes.count)) }
      let train = EncodedDataset(sequences: sequences, labels: labels, minLength: 5)
      let batches = stride(from: 0, to: examples, by: batchSize).map {
        Array($0..<min($0 + batchSize, examples))
      }
      stepsPerEpoch = batches.count
      let data = TrainingData(
        train: train, validation: train.subset(Array(0..<16)), batchOrder: { _ in batches })
      let vocabulary = try Vocabulary.build(
        from: [(0..<(vocabularySize - 2)).map { "w\($0)" }.joined(separator: " ")],
        tokenizer: .word)
      let metadata = CheckpointMetadata(
        configuration: configuration, tokenizer: .word, vocabulary: vocabulary,
        labels: LabelSet(labels: classes), training: settings)
      self.backend = backend
      self.folder = folder
      trainer = Trainer(step: step, settings: settings, data: data) { _, _ in "" }
      trainer.saveCheckpoint = { [step] position, reason in
        var contents = metadata
        contents.position = position
        let url = folder.appendingPathComponent("\(reason == "best" ? "best" : "last").safetensors")
        try ModelCheckpoint.save(
          model: step.model, optimizer: reason == "best" ? nil : step.optimizer,
          metadata: contents, backend: backend, to: url)
        return url.path
      }
      trainer.observer = self
    }

    var lastCheckpoint: URL { folder.appendingPathComponent("last.safetensors") }

    /// Sets element `index` of parameter `name` to NaN.
    func poison(_ name: String, at index: Int) throws {
      let parameter = try XCTUnwrap(step.model.parameters.first { $0.name == name })
      var values: [Float] = try backend.download(parameter.value)
      values[index] = .nan
      try backend.upload(values, to: parameter.value)
    }

    func trainingDidStep(_ metrics: StepMetrics) {}
    func trainingDidFinishEpoch(_ metrics: EpochMetrics) {}
    func trainingDidSaveCheckpoint(path: String, reason: String) {
      afterCheckpoint?(path, reason)
    }
  }

  /// Runs `run` until it throws, with `name[index]` poisoned after the first epoch's checkpoint,
  /// and checks that last.safetensors is still that checkpoint. Returns the error.
  private func trainPoisoned(_ name: String, at index: Int, folder: TemporaryFolder) throws
    -> TrainingError
  {
    let run = try SmallRun(backend: try requireOpenCL(), folder: folder.url, epochs: 3)
    var snapshot: Data?
    run.afterCheckpoint = { path, reason in
      guard reason == "epoch", snapshot == nil else { return }
      snapshot = try? Data(contentsOf: URL(fileURLWithPath: path))
      do {
        try run.poison(name, at: index)
      } catch {
        XCTFail("cannot poison \(name): \(error)")
      }
    }
    var caught: TrainingError?
    XCTAssertThrowsError(try run.trainer.run(from: TrainingPosition(), shouldStop: { false })) {
      caught = $0 as? TrainingError
    }
    let error = try XCTUnwrap(caught, "training did not stop with a TrainingError")
    XCTAssertEqual(try Data(contentsOf: run.lastCheckpoint), snapshot, "last.safetensors changed")

    // The kept checkpoint loads and holds only finite values.
    let (file, metadata) = try ModelCheckpoint.read(run.lastCheckpoint)
    XCTAssertEqual(metadata.position?.globalStep, run.stepsPerEpoch)
    let model = try ModelCheckpoint.loadModel(file, metadata: metadata, backend: ReferenceBackend())
    for parameter in model.parameters {
      let values: [Float] = try ReferenceBackend().download(parameter.value)
      XCTAssertTrue(values.allSatisfy(\.isFinite), "\(parameter.name) holds a non-finite value")
    }
    XCTAssertTrue(error.description.contains(run.lastCheckpoint.path), error.description)
    return error
  }

  /// A NaN in the classifier makes the next loss NaN: training stops at that step.
  func testNaNLossStopsAtItsStep() throws {
    let folder = try TemporaryFolder()
    let error = try trainPoisoned("classifier.weight", at: 5, folder: folder)
    guard case .nonFiniteLoss(let step, let epoch, let loss, _) = error else {
      return XCTFail("expected nonFiniteLoss, got \(error)")
    }
    XCTAssertEqual(step, 5, "the first step after the 4 steps of epoch 1")
    XCTAssertEqual(epoch, 1)
    XCTAssertTrue(loss.isNaN)
    XCTAssertTrue(error.description.contains("at step 5 (epoch 2)"), error.description)
  }

  /// A NaN in an embedding row that no batch uses never reaches the loss, so the check before
  /// the next checkpoint stops training instead of saving it.
  func testNaNParameterBlocksCheckpoint() throws {
    let folder = try TemporaryFolder()
    let error = try trainPoisoned("embedding.weight", at: 45 * 8 + 3, folder: folder)
    guard case .nonFiniteParameter(let name, let step, let epoch, _) = error else {
      return XCTFail("expected nonFiniteParameter, got \(error)")
    }
    XCTAssertEqual(name, "embedding.weight")
    XCTAssertEqual(step, 8)
    XCTAssertEqual(epoch, 1)
    XCTAssertTrue(
      error.description.contains("parameter 'embedding.weight' holds NaN or infinite values"),
      error.description)
  }

  /// A NaN before the first checkpoint gives a message that no checkpoint exists.
  func testNaNBeforeFirstCheckpointSaysNone() throws {
    let folder = try TemporaryFolder()
    let run = try SmallRun(backend: try requireOpenCL(), folder: folder.url, epochs: 1)
    try run.poison("classifier.bias", at: 1)
    XCTAssertThrowsError(try run.trainer.run(from: TrainingPosition(), shouldStop: { false })) {
      error in
      XCTAssertTrue("\(error)".contains("at step 1 (epoch 1)"), "\(error)")
      XCTAssertTrue("\(error)".contains("no checkpoint had been written yet"), "\(error)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: run.lastCheckpoint.path))
  }
}
