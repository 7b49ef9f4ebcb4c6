/// Metrics of one training step, as logged to the metrics file (one JSON object per line).
public struct StepMetrics: Codable, Sendable {
  /// The epoch of the step, counted from 1.
  public var epoch: Int
  /// Optimizer steps so far, this one included.
  public var step: Int
  /// The batch of the epoch, counted from 1.
  public var batchInEpoch: Int
  public var batchesPerEpoch: Int
  /// Mean loss of the batch.
  public var loss: Double
  public var accuracy: Double
  public var learningRate: Float
  public var samples: Int
  /// Training samples per second over the recent steps.
  public var samplesPerSecond: Double
  /// Seconds since training (or this resumed run) started.
  public var elapsedSeconds: Double
}

/// The evaluation after an epoch.
public struct EpochMetrics: Codable, Sendable {
  /// The epoch evaluated, counted from 1.
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var validationLoss: Double?
  public var validationAccuracy: Double?
  public var seconds: Double
}

/// Loss and accuracy of a model on a dataset, with every prediction.
public struct Evaluation: Sendable {
  public var loss: Double
  public var accuracy: Double
  public var predictions: [Int32]
  public var labels: [Int32]
}

/// Receives training events; the library prints nothing itself.
public protocol TrainingObserver: AnyObject {
  func trainingDidStep(_ metrics: StepMetrics)
  func trainingDidFinishEpoch(_ metrics: EpochMetrics)
  func trainingDidSaveCheckpoint(path: String, reason: String)
}

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible {
  /// A batch's loss was NaN or infinite. No checkpoint was written after the last good one,
  /// `lastCheckpoint`, which is nil when none had been written yet.
  case nonFiniteLoss(step: Int, epoch: Int, loss: Double, lastCheckpoint: String?)
  /// A parameter held NaN or infinite values when a checkpoint was due after `step`, so that
  /// checkpoint was not written and `lastCheckpoint` was kept.
  case nonFiniteParameter(name: String, step: Int, epoch: Int, lastCheckpoint: String?)
  /// A batch whose labels fall outside the model's classes.
  case invalidLabel(label: Int32, classCount: Int)

  public var description: String {
    switch self {
    case .nonFiniteLoss(let step, let epoch, let loss, let lastCheckpoint):
      return "the loss became \(loss) at step \(step) (epoch \(epoch + 1)); training stopped and "
        + Self.keptCheckpoint(lastCheckpoint) + Self.advice
    case .nonFiniteParameter(let name, let step, let epoch, let lastCheckpoint):
      return "parameter '\(name)' holds NaN or infinite values after step \(step) (epoch "
        + "\(epoch + 1)); training stopped and " + Self.keptCheckpoint(lastCheckpoint) + Self.advice
    case .invalidLabel(let label, let classCount):
      return "class id \(label) is outside the model's \(classCount) classes"
    }
  }

  private static func keptCheckpoint(_ path: String?) -> String {
    path.map { "the last good checkpoint \($0) was kept" } ?? "no checkpoint had been written yet"
  }

  private static let advice =
    ". Train again with a lower learning rate, gradient clipping (--clip-norm) or adamw."
}
