import Foundation

/// Where a training run reads its examples from.
public enum TrainingSource: Sendable {
  /// A registered dataset (`sst2`, `trec`, `ag_news`) in a data folder, downloaded when missing.
  case dataset(name: String, store: DatasetStore)
  /// Files given by path; without a validation file a fraction of the training file is held out.
  case files(train: URL, validation: URL?, test: URL?)
}

/// Everything a training run needs besides the device.
public struct TrainingJobOptions: Sendable {
  public var source: TrainingSource
  public var readOptions = ReadOptions()
  /// Held out from the training file for validation when there is no validation file.
  public var validationFraction = 0.1
  /// Trains on only the first `trainLimit` training examples (for quick runs); nil uses all.
  public var trainLimit: Int?
  public var configuration = ModelConfiguration()
  public var settings = TrainingSettings()
  /// Receives `last.safetensors`, `best.safetensors`, `metrics.jsonl` and `report.json`.
  public var outputDirectory: URL
  /// Continues from `last.safetensors` in the output folder with its optimizer state and data order.
  public var resume = false
  /// Starts a new run in an output folder that contains an earlier run, removing the earlier run's
  /// checkpoints, metrics and report once the data is read and the model is built. Without it
  /// such a run raises `ExistingRunError`.
  public var overwrite = false

  public init(source: TrainingSource, outputDirectory: URL) {
    self.source = source
    self.outputDirectory = outputDirectory
  }
}

/// The outcome of a training run, also written to `report.json`.
public struct TrainingReport: Codable, Sendable {
  public var device: String
  public var trainExamples: Int
  public var validationExamples: Int
  public var testExamples: Int?
  public var vocabularySize: Int
  public var classes: [String]
  public var parameters: Int
  public var epochsCompleted: Int
  public var steps: Int
  public var trainingSeconds: Double
  public var bestValidationAccuracy: Double?
  /// Accuracy of the best-validation checkpoint on the test split, when there is one.
  public var testAccuracy: Double?
  public var testLoss: Double?
  /// True when training stopped on request (Ctrl-C) before the last epoch.
  public var interrupted: Bool
  public var lastCheckpoint: String
  public var bestCheckpoint: String?
}

/// Files a training run writes into its output folder.
public enum TrainingOutput {
  public static let lastCheckpoint = "last.safetensors"
  public static let bestCheckpoint = "best.safetensors"
  public static let metrics = "metrics.jsonl"
  public static let report = "report.json"
}
