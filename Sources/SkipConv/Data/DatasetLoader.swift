import Foundation

/// The training, validation and test examples of a task.
public struct DatasetSplits: Sendable {
  public var train: [LabelledExample]
  public var validation: [LabelledExample]
  /// The test examples, or nil when the task has no test file.
  public var test: [LabelledExample]?
  /// Whether `validation` was held out from the training file rather than read from its own.
  public var validationIsHeldOut: Bool
  /// The report of each file read, training file first.
  public var reports: [ReadReport]
}

/// Reads the splits of a registered dataset or of user files.
public enum DatasetLoader {
  /// Reads the splits of the registered dataset `name` from `store`, downloading missing files.
  ///
  /// When the dataset has no validation file (TREC, and AG News whose only file is its test
  /// split), `validationFraction` of the training file is held out, chosen by `seed`.
  public static func load(
    dataset name: String, store: DatasetStore, options: ReadOptions = ReadOptions(),
    validationFraction: Double = 0.1, seed: UInt64
  ) throws -> DatasetSplits {
    let descriptor = try DatasetRegistry.descriptor(named: name)
    try store.prepare(descriptor)
    func location(_ split: DatasetSplit) -> URL? {
      guard let name = descriptor.splitFiles[split],
        let file = descriptor.files.first(where: { $0.name == name })
      else { return nil }
      return store.localURL(of: file, in: descriptor)
    }
    var datasetOptions = options
    datasetOptions.datasetName = name
    return try load(
      train: location(.train)!, validation: location(.validation), test: location(.test),
      options: datasetOptions, validationFraction: validationFraction, seed: seed)
  }

  /// Reads `train`, and `validation` and `test` when given; without a validation file,
  /// `validationFraction` of the training examples is held out, chosen by `seed`.
  public static func load(
    train: URL, validation: URL? = nil, test: URL? = nil, options: ReadOptions = ReadOptions(),
    validationFraction: Double = 0.1, seed: UInt64
  ) throws -> DatasetSplits {
    let trainResult = try DatasetReader.read(train, options: options)
    var reports = [trainResult.report]
    var trainExamples = trainResult.examples
    var validationExamples: [LabelledExample]
    if let validation {
      let result = try DatasetReader.read(validation, options: options)
      reports.append(result.report)
      validationExamples = result.examples
    } else {
      guard trainExamples.count >= 2 else {
        throw DataError.invalidOption(
          "\(train.path): cannot hold out validation examples from \(trainExamples.count) "
            + "usable example(s), expected at least 2; give a validation file with "
            + "--validation FILE, or add rows to the training file")
      }
      let split = try HoldoutSplit(
        count: trainExamples.count, fraction: validationFraction, seed: seed)
      validationExamples = split.validation.map { trainExamples[$0] }
      trainExamples = split.train.map { trainExamples[$0] }
    }
    var testExamples: [LabelledExample]?
    if let test {
      let result = try DatasetReader.read(test, options: options)
      reports.append(result.report)
      testExamples = result.examples
    }
    return DatasetSplits(
      train: trainExamples, validation: validationExamples, test: testExamples,
      validationIsHeldOut: validation == nil, reports: reports)
  }
}
