import Foundation

/// What a checkpoint records besides tensors: how to rebuild the model and its input pipeline,
/// and, for resuming, how training stood.
public struct CheckpointMetadata: Equatable, Sendable {
  public var configuration: ModelConfiguration
  public var tokenizer: Tokenizer
  public var vocabulary: Vocabulary
  public var labels: LabelSet
  /// Training settings and position; nil in a checkpoint meant only for inference.
  public var training: TrainingSettings?
  public var position: TrainingPosition?
  /// The options that chose the training data; nil in checkpoints written before it was recorded.
  public var data: DataSelection?
  public var bestValidationAccuracy: Double?

  public init(
    configuration: ModelConfiguration, tokenizer: Tokenizer, vocabulary: Vocabulary,
    labels: LabelSet, training: TrainingSettings? = nil, position: TrainingPosition? = nil,
    data: DataSelection? = nil, bestValidationAccuracy: Double? = nil
  ) {
    self.configuration = configuration
    self.tokenizer = tokenizer
    self.vocabulary = vocabulary
    self.labels = labels
    self.training = training
    self.position = position
    self.data = data
    self.bestValidationAccuracy = bestValidationAccuracy
  }
}

/// Reads and writes model checkpoints: safetensors files with PyTorch `state_dict` names and
/// layouts, the metadata above as JSON strings, and optimizer state for resuming. See
/// docs/checkpoint-format.md.
public enum ModelCheckpoint {
  /// Version of the layout of names and metadata keys; readers reject other versions.
  public static let formatVersion = "1"

  enum Key {
    static let format = "format"
    static let version = "skipconv.format_version"
    static let configuration = "skipconv.config"
    static let tokenizer = "skipconv.tokenizer"
    static let vocabulary = "skipconv.vocabulary"
    static let labels = "skipconv.labels"
    static let training = "skipconv.training"
    static let position = "skipconv.position"
    static let data = "skipconv.data"
    static let step = "skipconv.step"
    static let bestValidationAccuracy = "skipconv.best_validation_accuracy"
    static let optimizer = "skipconv.optimizer"
    static let optimizerStep = "skipconv.optimizer_step"
  }

  /// Writes `model` (and `optimizer` state when given) to `url` atomically: a temporary file in
  /// the same folder, then a rename, so a crash never leaves a partial file under `url`.
  public static func save(
    model: TextClassifier, optimizer: Optimizer?, metadata: CheckpointMetadata,
    backend: Backend, to url: URL
  ) throws {
    var tensors: [String: SafetensorsTensor] = [:]
    for parameter in model.parameters {
      let values: [Float] = try backend.download(parameter.value)
      tensors[parameter.name] = try SafetensorsTensor(float32: values, shape: parameter.shape)
    }
    var fields = try metadataFields(metadata)
    if let optimizer {
      for (stateName, stateTensors) in optimizer.state {
        for (parameter, tensor) in zip(optimizer.parameters, stateTensors) {
          let values: [Float] = try backend.download(tensor)
          tensors["optimizer.\(stateName).\(parameter.name)"] = try SafetensorsTensor(
            float32: values, shape: parameter.shape)
        }
      }
      fields[Key.optimizer] = optimizer.settings.kind.rawValue
      fields[Key.optimizerStep] = "\(optimizer.step)"
    }
    try SafetensorsFile(tensors: tensors, metadata: fields).write(to: url)
  }

  private static func metadataFields(_ metadata: CheckpointMetadata) throws -> [String: String] {
    var fields = [
      Key.format: "pt",
      Key.version: formatVersion,
      Key.configuration: try metadataJSON(metadata.configuration),
      Key.tokenizer: try metadataJSON(metadata.tokenizer),
      Key.vocabulary: try metadataJSON(metadata.vocabulary),
      Key.labels: try metadataJSON(metadata.labels),
    ]
    if let training = metadata.training {
      fields[Key.training] = try metadataJSON(training)
    }
    if let data = metadata.data {
      fields[Key.data] = try metadataJSON(data)
    }
    if let position = metadata.position {
      fields[Key.position] = try metadataJSON(position)
      fields[Key.step] = "\(position.globalStep)"
    }
    if let accuracy = metadata.bestValidationAccuracy {
      fields[Key.bestValidationAccuracy] = "\(accuracy)"
    }
    return fields
  }

  /// Reads a checkpoint file and decodes its metadata, without building a model.
  public static func read(_ url: URL) throws -> (file: SafetensorsFile, metadata: CheckpointMetadata) {
    let file = try SafetensorsFile(contentsOf: url)
    guard let version = file.metadata[Key.version] else {
      throw CheckpointError(
        path: url.path, "is not a SkipConv checkpoint: its metadata has no '\(Key.version)'; "
          + "give a checkpoint written by 'skipconv train'")
    }
    guard version == formatVersion else {
      throw CheckpointError(
        path: url.path, "has checkpoint format version \(version); this build reads version "
          + "\(formatVersion)")
    }
    func decode<Value: Decodable>(_ type: Value.Type, _ key: String) throws -> Value {
      do {
        return try decodeMetadataJSON(type, from: try file.metadataValue(key))
      } catch let error as SafetensorsError {
        throw error
      } catch {
        throw CheckpointError(path: url.path, "has invalid metadata '\(key)': \(error)")
      }
    }
    var metadata = CheckpointMetadata(
      configuration: try decode(ModelConfiguration.self, Key.configuration),
      tokenizer: try decode(Tokenizer.self, Key.tokenizer),
      vocabulary: try decode(Vocabulary.self, Key.vocabulary),
      labels: try decode(LabelSet.self, Key.labels))
    if file.metadata[Key.training] != nil {
      metadata.training = try decode(TrainingSettings.self, Key.training)
    }
    if file.metadata[Key.position] != nil {
      metadata.position = try decode(TrainingPosition.self, Key.position)
    }
    if file.metadata[Key.data] != nil {
      metadata.data = try decode(DataSelection.self, Key.data)
    }
    if let text = file.metadata[Key.bestValidationAccuracy] {
      metadata.bestValidationAccuracy = Double(text)
    }
    do {
      try metadata.configuration.validate()
    } catch {
      throw CheckpointError(path: url.path, "has an invalid model configuration: \(error)")
    }
    return (file, metadata)
  }

  /// Builds the model that `metadata` describes on `backend` and loads its weights from `file`,
  /// checking every tensor's name, dtype and shape, and that every value is finite.
  public static func loadModel(
    _ file: SafetensorsFile, metadata: CheckpointMetadata, backend: Backend
  ) throws -> TextClassifier {
    let model = try TextClassifier(
      configuration: metadata.configuration, vocabularySize: metadata.vocabulary.count,
      classCount: metadata.labels.count, backend: backend, seed: 0)
    try load(model.parameters.map { ($0.name, $0.value) }, from: file, backend: backend)
    return model
  }

  /// Loads the optimizer state saved beside the weights, for resuming.
  public static func restoreOptimizer(
    _ optimizer: Optimizer, from file: SafetensorsFile, backend: Backend
  ) throws {
    let path = file.source ?? "checkpoint"
    let kind = try file.metadataValue(Key.optimizer)
    guard kind == optimizer.settings.kind.rawValue else {
      throw CheckpointError(
        path: path, "holds \(kind) optimizer state, but training uses "
          + "\(optimizer.settings.kind.rawValue); resume with --optimizer \(kind)")
    }
    guard let step = Int(try file.metadataValue(Key.optimizerStep)), step >= 0 else {
      throw CheckpointError(path: path, "has an invalid '\(Key.optimizerStep)' value")
    }
    for (stateName, tensors) in optimizer.state {
      let named = zip(optimizer.parameters, tensors).map {
        ("optimizer.\(stateName).\($0.name)", $1)
      }
      try load(named, from: file, backend: backend)
    }
    optimizer.restore(step: step)
  }

  private static func load(
    _ tensors: [(name: String, tensor: Tensor)], from file: SafetensorsFile, backend: Backend
  ) throws {
    for (name, tensor) in tensors {
      _ = try file.expect(name, dtype: .float32, shape: tensor.shape)
      let values = try file.tensors[name]!.float32Values()
      if let index = values.firstIndex(where: { !$0.isFinite }) {
        throw CheckpointError(
          path: file.source ?? "checkpoint",
          "has a non-finite value (\(values[index])) in tensor '\(name)' at flat index "
            + "\(index); give another checkpoint or train again")
      }
      try backend.upload(values, to: tensor)
    }
  }
}

/// A checkpoint that is well-formed safetensors but not a usable SkipConv checkpoint.
public struct CheckpointError: Error, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "checkpoint \(path) \(message)" }
}
