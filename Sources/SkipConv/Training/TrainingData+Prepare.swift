import Foundation

/// The encoded splits of a run and the pipeline that encoded them.
struct PreparedData {
  var splits: DatasetSplits
  var encoder: SequenceEncoder
  var labels: LabelSet
  var train: EncodedDataset
  var validation: EncodedDataset
  var test: EncodedDataset?
}

extension TrainingJob {
  /// Reads the splits, builds (or, when resuming, reuses) the vocabulary and label set, and
  /// encodes every split.
  func prepareData(resumed: CheckpointMetadata?) throws -> PreparedData {
    let settings = options.settings
    var splits: DatasetSplits
    switch options.source {
    case .dataset(let name, let store):
      splits = try DatasetLoader.load(
        dataset: name, store: store, options: options.readOptions,
        validationFraction: options.validationFraction, seed: settings.seed)
    case .files(let train, let validation, let test):
      splits = try DatasetLoader.load(
        train: train, validation: validation, test: test, options: options.readOptions,
        validationFraction: options.validationFraction, seed: settings.seed)
    }
    if let limit = options.trainLimit, limit < splits.train.count {
      splits.train = Array(splits.train.prefix(limit))
    }

    // The classes are those of the whole training file, held-out rows included, so that a class
    // whose only rows were held out is still known.
    let configuration = options.configuration
    let heldOut = splits.validationIsHeldOut ? splits.validation : []
    let labels = resumed?.labels ?? LabelSet(examples: splits.train + heldOut)
    guard labels.count >= 2 else {
      throw DataError.tooFewClasses(path: trainingFileName, labels: labels.labels)
    }
    let tokenizer = resumed?.tokenizer ?? Self.tokenizer(for: configuration.tokenization)
    let vocabulary = try resumed?.vocabulary ?? tokenizer.fixedVocabulary()
      ?? Vocabulary.build(
        from: splits.train.map(\.text), tokenizer: tokenizer,
        minimumCount: configuration.minCount, maximumSize: configuration.maxVocabulary)
    let encoder = try SequenceEncoder(
      tokenizer: tokenizer, vocabulary: vocabulary, maxLength: configuration.maxLength)

    // Rows with a label outside the classes (those of the training file, or of the checkpoint
    // when resuming) cannot be scored. With skipInvalid they are dropped here and counted in the
    // report of their file. Otherwise encoding raises an error naming the first one's file and
    // line.
    if options.readOptions.skipInvalid {
      func keepKnown(_ examples: [LabelledExample]) -> [LabelledExample] {
        let dropped = examples.filter { labels.classID(of: $0.label) == nil }
        for (file, rows) in Dictionary(grouping: dropped, by: \.sourceFile) {
          if let index = splits.reports.firstIndex(where: { $0.file == file }) {
            splits.reports[index].skipUsedRows(rows.count, reason: .unknownLabel)
          }
        }
        return dropped.isEmpty ? examples : examples.filter { labels.classID(of: $0.label) != nil }
      }
      splits.train = keepKnown(splits.train)
      splits.validation = keepKnown(splits.validation)
      splits.test = splits.test.map(keepKnown)
    }
    return PreparedData(
      splits: splits, encoder: encoder, labels: labels,
      train: try encoder.encode(splits.train, labels: labels),
      validation: try encoder.encode(splits.validation, labels: labels),
      test: try splits.test.map { try encoder.encode($0, labels: labels) })
  }

  /// The training file, or the dataset's name, for messages.
  var trainingFileName: String {
    switch options.source {
    case .dataset(let name, _): return "dataset \(name)"
    case .files(let train, _, _): return train.path
    }
  }

  /// The tokenizer of a model configuration: lower-cased words, or the characters of the
  /// default alphabet (character-level models as in Zhang, Zhao and LeCun 2015).
  static func tokenizer(for tokenization: ModelConfiguration.Tokenization) -> Tokenizer {
    switch tokenization {
    case .word: return .word
    case .character: return .characters(alphabet: Tokenizer.defaultAlphabet)
    }
  }
}

/// Appends one JSON object per training step to a file.
final class MetricsLog {
  private let handle: FileHandle
  private let encoder = JSONEncoder()

  init(url: URL, append: Bool) throws {
    if !append || !FileManager.default.fileExists(atPath: url.path) {
      guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw CheckpointError(path: url.path, "cannot be created for the step metrics")
      }
    }
    handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    encoder.outputFormatting = [.sortedKeys]
  }

  func append(_ metrics: some Encodable) throws {
    var line = try encoder.encode(metrics)
    line.append(0x0A)
    try handle.write(contentsOf: line)
  }

  deinit {
    try? handle.close()
  }
}

/// Writes every step to the metrics log and passes events on to the caller's observer.
final class ObserverRelay: TrainingObserver {
  private weak var next: TrainingObserver?
  private let log: MetricsLog
  /// The first error writing the log; the job raises it when training returns.
  private(set) var error: Error?

  init(forwardingTo next: TrainingObserver?, log: MetricsLog) {
    self.next = next
    self.log = log
  }

  func trainingDidStep(_ metrics: StepMetrics) {
    do {
      try log.append(metrics)
    } catch {
      self.error = self.error ?? error
    }
    next?.trainingDidStep(metrics)
  }

  func trainingDidFinishEpoch(_ metrics: EpochMetrics) {
    next?.trainingDidFinishEpoch(metrics)
  }

  func trainingDidSaveCheckpoint(path: String, reason: String) {
    next?.trainingDidSaveCheckpoint(path: path, reason: reason)
  }
}
