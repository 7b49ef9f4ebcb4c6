import Foundation

/// The options that choose a run's training examples and their order. A checkpoint records them
/// so that a resumed run can refuse data other than the checkpoint's, because other data would
/// change the batches of the remaining steps.
public struct DataSelection: Codable, Equatable, Sendable {
  /// The dataset name, or the absolute path of the training file.
  public var train: String
  /// The absolute path of the validation file, when there is one.
  public var validation: String?
  public var validationFraction: Double
  public var trainLimit: Int?
  public var skipInvalid: Bool

  public init(_ options: TrainingJobOptions) {
    switch options.source {
    case .dataset(let name, _):
      train = name
      validation = nil
    case .files(let trainFile, let validationFile, _):
      train = trainFile.standardizedFileURL.path
      validation = validationFile?.standardizedFileURL.path
    }
    validationFraction = options.validationFraction
    trainLimit = options.trainLimit
    skipInvalid = options.readOptions.skipInvalid
  }
}

extension TrainingJob {
  /// Rejects resuming with a model, settings or data other than the checkpoint's. Only
  /// `--epochs` may change.
  func checkCompatible(_ metadata: CheckpointMetadata) throws {
    let path = options.outputDirectory.appendingPathComponent(TrainingOutput.lastCheckpoint).path
    guard metadata.configuration == options.configuration else {
      throw CheckpointError(
        path: path, "holds a different model (\(try metadata.configuration.jsonString())) than "
          + "requested (\(try options.configuration.jsonString())); resume without model "
          + "options or train into a new --out folder")
    }
    guard var saved = metadata.training, metadata.position != nil else {
      throw CheckpointError(path: path, "has no training state to resume from")
    }
    saved.epochs = options.settings.epochs
    var differences = Self.settingDifferences(saved: saved, requested: options.settings)
    if let data = metadata.data {
      differences += Self.dataDifferences(saved: data, requested: DataSelection(options))
    }
    if let (option, savedValue, requestedValue) = differences.first {
      let repeated =
        savedValue == Self.noValue ? "without \(option)" : "with \(option) \(savedValue)"
      throw CheckpointError(
        path: path, "was trained with \(option) \(savedValue), but this run has \(option) "
          + "\(requestedValue), which would change the data or the training; resume "
          + "\(repeated) or train into a new --out folder")
    }
    guard saved == options.settings else {
      throw CheckpointError(
        path: path, "was trained with other settings (\(try metadataJSON(saved))); resume with "
          + "the same options (only --epochs may change)")
    }
  }

  /// Returns the options whose values differ, with the checkpoint's value and the requested one.
  private static func settingDifferences(saved: TrainingSettings, requested: TrainingSettings)
    -> [(String, String, String)]
  {
    let pairs: [(String, String, String)] = [
      ("--batch-size", "\(saved.batchSize)", "\(requested.batchSize)"),
      ("--seed", "\(saved.seed)", "\(requested.seed)"),
      ("--no-bucketing", "\(!saved.bucketByLength)", "\(!requested.bucketByLength)"),
      ("--word-dropout", "\(saved.wordDropout)", "\(requested.wordDropout)"),
      ("--optimizer", saved.optimizer.kind.rawValue, requested.optimizer.kind.rawValue),
      ("--learning-rate", "\(saved.learningRate)", "\(requested.learningRate)"),
      ("--warmup", "\(saved.warmupFraction)", "\(requested.warmupFraction)"),
      ("--schedule", saved.decay.rawValue, requested.decay.rawValue),
      ("--weight-decay", "\(saved.optimizer.weightDecay)", "\(requested.optimizer.weightDecay)"),
      ("--clip-norm", "\(saved.optimizer.maxGradientNorm)",
        "\(requested.optimizer.maxGradientNorm)"),
      ("--momentum", "\(saved.optimizer.momentum)", "\(requested.optimizer.momentum)"),
    ]
    return pairs.filter { $0.1 != $0.2 }
  }

  private static let noValue = "(none)"

  private static func dataDifferences(saved: DataSelection, requested: DataSelection)
    -> [(String, String, String)]
  {
    let none = noValue
    let pairs: [(String, String, String)] = [
      ("--train", saved.train, requested.train),
      ("--validation", saved.validation ?? none, requested.validation ?? none),
      ("--validation-fraction", "\(saved.validationFraction)", "\(requested.validationFraction)"),
      ("--limit-train", saved.trainLimit.map { "\($0)" } ?? none,
        requested.trainLimit.map { "\($0)" } ?? none),
      ("--skip-invalid", "\(saved.skipInvalid)", "\(requested.skipInvalid)"),
    ]
    return pairs.filter { $0.1 != $0.2 }
  }
}
