import Dispatch
import Foundation

/// Examples to train on: encoded training and validation sets and the batch order of each epoch.
public struct TrainingData {
  public var train: EncodedDataset
  public var validation: EncodedDataset?
  /// The dataset indices of each batch of `epoch`, in order; the same for the same epoch.
  public var batchOrder: (Int) -> [[Int]]

  public init(
    train: EncodedDataset, validation: EncodedDataset?, batchOrder: @escaping (Int) -> [[Int]]
  ) {
    self.train = train
    self.validation = validation
    self.batchOrder = batchOrder
  }
}

/// Runs the training loop: batches prepared on a background thread while the device works, one
/// device read per step (losses and predictions), validation after each epoch, checkpoints
/// through `saveCheckpoint`.
public final class Trainer {
  public let step: TrainingStep
  public let settings: TrainingSettings
  public let data: TrainingData
  public weak var observer: TrainingObserver?
  /// Writes a checkpoint of the current state at `position`; `reason` is `epoch`, `best` or
  /// `interrupt`. Returns the path written.
  public var saveCheckpoint: (TrainingPosition, String) throws -> String
  private let preparation = DispatchQueue(label: "skipconv.batch-preparation")

  public init(
    step: TrainingStep, settings: TrainingSettings, data: TrainingData,
    saveCheckpoint: @escaping (TrainingPosition, String) throws -> String
  ) {
    self.step = step
    self.settings = settings
    self.data = data
    self.saveCheckpoint = saveCheckpoint
  }

  /// The best validation accuracy seen so far, restored from a checkpoint when resuming.
  public var bestValidationAccuracy: Double?
  /// The path of the last checkpoint written for resuming (`epoch` or `interrupt`), which the
  /// error names when training stops on a non-finite value. A resumed run sets it to the
  /// checkpoint it started from.
  public var lastCheckpoint: String?

  /// Trains from `position` to the last epoch, or until `shouldStop` returns true, in which case
  /// it saves a checkpoint and returns the position reached.
  public func run(from start: TrainingPosition, shouldStop: () -> Bool) throws -> TrainingPosition {
    let batchesPerEpoch = data.batchOrder(0).count
    let schedule = settings.schedule(stepsPerEpoch: batchesPerEpoch)
    var position = start
    var clock = ThroughputClock()
    while position.epoch < settings.epochs {
      let order = data.batchOrder(position.epoch)
      let epochStart = DispatchTime.now().uptimeNanoseconds
      var totals = (loss: 0.0, correct: 0, count: 0)
      var next = prepare(order, at: position.batchInEpoch, epoch: position.epoch)
      while position.batchInEpoch < order.count {
        if shouldStop() {
          try checkParametersFinite(position)
          let path = try saveCheckpoint(position, "interrupt")
          lastCheckpoint = path
          observer?.trainingDidSaveCheckpoint(path: path, reason: "interrupt")
          return position
        }
        // Upload this batch, queue its step, and prepare the next one while the device works.
        let batch = try step.upload(next.wait(), forTraining: true)
        let learningRate = schedule.learningRate(step: position.globalStep + 1)
        try step.train(
          batch, learningRate: learningRate,
          dropoutSeed: dropoutSeed(runSeed: settings.seed, step: position.globalStep))
        next = prepare(order, at: position.batchInEpoch + 1, epoch: position.epoch)

        // One read per step: the losses and predictions of this batch.
        let outcome = try step.outcome(labels: batch.host.labels)
        guard !outcome.nonFinite else {
          throw TrainingError.nonFiniteLoss(
            step: position.globalStep + 1, epoch: position.epoch, loss: outcome.lossSum,
            lastCheckpoint: lastCheckpoint)
        }
        position.batchInEpoch += 1
        position.globalStep += 1
        totals.loss += outcome.lossSum
        totals.correct += outcome.correct
        totals.count += outcome.count
        clock.record(samples: outcome.count)
        observer?.trainingDidStep(
          StepMetrics(
            epoch: position.epoch + 1, step: position.globalStep,
            batchInEpoch: position.batchInEpoch, batchesPerEpoch: order.count,
            loss: outcome.lossSum / Double(outcome.count),
            accuracy: Double(outcome.correct) / Double(outcome.count),
            learningRate: learningRate, samples: outcome.count,
            samplesPerSecond: clock.samplesPerSecond, elapsedSeconds: clock.elapsedSeconds))
      }
      try finishEpoch(&position, totals: totals, started: epochStart)
    }
    return position
  }

  private func finishEpoch(
    _ position: inout TrainingPosition, totals: (loss: Double, correct: Int, count: Int),
    started: UInt64
  ) throws {
    try checkParametersFinite(position)
    var metrics = EpochMetrics(
      epoch: position.epoch + 1, trainLoss: totals.loss / Double(max(totals.count, 1)),
      trainAccuracy: Double(totals.correct) / Double(max(totals.count, 1)),
      validationLoss: nil, validationAccuracy: nil,
      seconds: Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9)
    if let validation = data.validation, validation.count > 0 {
      let evaluation = try evaluate(validation, step: step, batchSize: settings.batchSize)
      metrics.validationLoss = evaluation.loss
      metrics.validationAccuracy = evaluation.accuracy
    }
    position.epoch += 1
    position.batchInEpoch = 0
    observer?.trainingDidFinishEpoch(metrics)
    if let accuracy = metrics.validationAccuracy, accuracy > (bestValidationAccuracy ?? -1) {
      bestValidationAccuracy = accuracy
      let path = try saveCheckpoint(position, "best")
      observer?.trainingDidSaveCheckpoint(path: path, reason: "best")
    }
    let path = try saveCheckpoint(position, "epoch")
    lastCheckpoint = path
    observer?.trainingDidSaveCheckpoint(path: path, reason: "epoch")
  }

  /// Raises `TrainingError.nonFiniteParameter` when a parameter contains a NaN or infinite value,
  /// so that no checkpoint stores one. The loss check alone misses such values, because a ReLU
  /// (`fmax(x, 0)`, which returns 0 for NaN) can hide a NaN weight from the loss.
  private func checkParametersFinite(_ position: TrainingPosition) throws {
    if let name = try step.firstNonFiniteParameter() {
      throw TrainingError.nonFiniteParameter(
        name: name, step: position.globalStep, epoch: position.epoch,
        lastCheckpoint: lastCheckpoint)
    }
  }

  /// Starts building the batch at `index` of `order` on the preparation thread, applying word
  /// dropout with a seed derived from the run seed, the epoch and the index, so a resumed run
  /// drops the same words.
  private func prepare(_ order: [[Int]], at index: Int, epoch: Int) -> PreparedBatch {
    let prepared = PreparedBatch()
    guard index < order.count else { return prepared }
    let indices = order[index]
    let train = data.train
    let wordDropout = settings.wordDropout
    let seed = settings.seed ^ (UInt64(epoch) << 32 | UInt64(index)) &* 0xD1B5_4A32_D192_ED03
    preparation.async {
      var random = SeededGenerator(seed: seed)
      let batch = train.batch(indices)
      var tokens = batch.tokens
      if wordDropout > 0 {
        for i in tokens.indices where tokens[i] > Vocabulary.unknownID {
          if random.nextFloat() < wordDropout {
            tokens[i] = Vocabulary.unknownID
          }
        }
      }
      // Word dropout replaces ids with the unknown id, never with padding, so the lengths hold.
      prepared.fulfil(
        TokenBatch(
          tokens: tokens, labels: batch.labels, lengths: batch.lengths, batchSize: batch.count,
          length: batch.length))
    }
    return prepared
  }
}

/// Evaluates `dataset` in order, in batches of `batchSize`, without dropout.
public func evaluate(_ dataset: EncodedDataset, step: TrainingStep, batchSize: Int) throws
  -> Evaluation
{
  var lossSum = 0.0
  var correct = 0
  var predictions: [Int32] = []
  predictions.reserveCapacity(dataset.count)
  for start in stride(from: 0, to: dataset.count, by: batchSize) {
    let batch = dataset.batch(Array(start..<min(start + batchSize, dataset.count)))
    let uploaded = try step.upload(
      TokenBatch(
        tokens: batch.tokens, labels: batch.labels, lengths: batch.lengths,
        batchSize: batch.count, length: batch.length),
      forTraining: false)
    try step.evaluate(uploaded)
    let outcome = try step.outcome(labels: batch.labels)
    lossSum += outcome.lossSum
    correct += outcome.correct
    predictions += outcome.predictions
  }
  let count = Double(max(dataset.count, 1))
  return Evaluation(
    loss: lossSum / count, accuracy: Double(correct) / count, predictions: predictions,
    labels: dataset.labels)
}

/// A batch being built on another thread.
final class PreparedBatch: @unchecked Sendable {
  private let ready = DispatchSemaphore(value: 0)
  private var batch: TokenBatch?

  func fulfil(_ batch: TokenBatch) {
    self.batch = batch
    ready.signal()
  }

  /// Blocks until the batch is built.
  func wait() -> TokenBatch {
    ready.wait()
    return batch!
  }
}

/// Samples per second over a sliding window of recent steps.
struct ThroughputClock {
  private let start = DispatchTime.now().uptimeNanoseconds
  private var window: [(time: UInt64, samples: Int)] = []

  mutating func record(samples: Int) {
    window.append((DispatchTime.now().uptimeNanoseconds, samples))
    if window.count > 50 {
      window.removeFirst(window.count - 50)
    }
  }

  var samplesPerSecond: Double {
    guard window.count >= 2 else { return 0 }
    let samples = window.dropFirst().reduce(0) { $0 + $1.samples }
    let seconds = Double(window.last!.time - window.first!.time) * 1e-9
    return seconds > 0 ? Double(samples) / seconds : 0
  }

  var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
}
