import Foundation

/// A trained classifier loaded from a checkpoint, ready to score texts and labelled files.
public final class Classifier {
  public let metadata: CheckpointMetadata
  public let model: TextClassifier
  public let encoder: SequenceEncoder
  private let step: TrainingStep
  private let checkpointPath: String

  /// Loads the checkpoint at `url` onto `backend`.
  public init(checkpoint url: URL, backend: Backend) throws {
    let (file, metadata) = try ModelCheckpoint.read(url)
    self.metadata = metadata
    checkpointPath = url.path
    model = try ModelCheckpoint.loadModel(file, metadata: metadata, backend: backend)
    encoder = try SequenceEncoder(
      tokenizer: metadata.tokenizer, vocabulary: metadata.vocabulary,
      maxLength: metadata.configuration.maxLength)
    step = TrainingStep(model: model, optimizer: nil, backend: backend)
  }

  public var labels: [String] { metadata.labels.labels }

  /// Returns the logits `[texts.count][Y]` of `texts`, in batches of `batchSize`.
  public func logits(_ texts: [String], batchSize: Int = 64) throws -> [[Float]] {
    let classes = labels.count
    var rows: [[Float]] = []
    for start in stride(from: 0, to: texts.count, by: batchSize) {
      let chunk = texts[start..<min(start + batchSize, texts.count)]
      let dataset = EncodedDataset(
        sequences: chunk.map { encoder.encode($0) }, labels: chunk.map { _ in 0 },
        minLength: encoder.minLength)
      let batch = dataset.batch(Array(0..<dataset.count))
      let uploaded = try step.upload(
        TokenBatch(
          tokens: batch.tokens, labels: batch.labels, lengths: batch.lengths,
          batchSize: batch.count, length: batch.length), forTraining: false)
      try step.evaluate(uploaded)
      let flat = try step.lastLogits()
      if let index = flat.firstIndex(where: { !$0.isFinite }) {
        throw nonFiniteOutput("logit \(flat[index]) for text \(start + index / classes + 1)")
      }
      for row in 0..<batch.count {
        rows.append(Array(flat[row * classes..<(row + 1) * classes]))
      }
    }
    return rows
  }

  /// Returns the `k` most probable labels of each text with their softmax probabilities.
  public func predict(_ texts: [String], topK k: Int) throws -> [[(label: String, probability: Double)]] {
    try logits(texts).map { row in
      let probabilities = softmax(row)
      return probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        .prefix(k).map { (labels[$0], probabilities[$0]) }
    }
  }

  /// Scores `examples` against their labels; rows with a label the model does not know raise
  /// `DataError.unknownLabel` naming the file and line.
  public func evaluate(_ examples: [LabelledExample], batchSize: Int = 64) throws
    -> ClassificationMetrics
  {
    let dataset = try encoder.encode(examples, labels: metadata.labels)
    let evaluation = try SkipConv.evaluate(dataset, step: step, batchSize: batchSize)
    guard evaluation.loss.isFinite else {
      throw nonFiniteOutput("loss \(evaluation.loss) on \(examples.count) example(s)")
    }
    return ClassificationMetrics(
      predictions: evaluation.predictions, labels: evaluation.labels, classNames: labels,
      loss: evaluation.loss)
  }
}

extension Classifier {
  /// Returns the error for a NaN or infinite output of a model whose weights are all finite, which
  /// happens when weights are so large that activations overflow `Float`.
  fileprivate func nonFiniteOutput(_ quantity: String) -> CheckpointError {
    CheckpointError(
      path: checkpointPath, "gives a non-finite \(quantity): its weights are finite but too large "
        + "for Float32 arithmetic; give another checkpoint or train again")
  }
}

/// `exp(x - max) / sum`, in `Double`.
func softmax(_ logits: [Float]) -> [Double] {
  let largest = Double(logits.max() ?? 0)
  let exponentials = logits.map { exp(Double($0) - largest) }
  let total = exponentials.reduce(0, +)
  return exponentials.map { $0 / total }
}

/// Accuracy, per-class precision, recall and F1, and the confusion matrix of a labelled set.
public struct ClassificationMetrics: Codable, Sendable {
  public struct ClassScores: Codable, Sendable {
    public var label: String
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Examples whose true label is this class.
    public var support: Int
  }

  public var examples: Int
  public var accuracy: Double
  public var loss: Double
  public var macroF1: Double
  public var classes: [ClassScores]
  /// `confusion[true][predicted]` counts.
  public var confusion: [[Int]]

  public init(predictions: [Int32], labels: [Int32], classNames: [String], loss: Double) {
    let count = classNames.count
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: count), count: count)
    for (predicted, actual) in zip(predictions, labels) {
      confusion[Int(actual)][Int(predicted)] += 1
    }
    classes = (0..<count).map { c in
      let truePositives = Double(confusion[c][c])
      let predicted = Double((0..<count).reduce(0) { $0 + confusion[$1][c] })
      let actual = Double(confusion[c].reduce(0, +))
      let precision = predicted > 0 ? truePositives / predicted : 0
      let recall = actual > 0 ? truePositives / actual : 0
      let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
      return ClassScores(
        label: classNames[c], precision: precision, recall: recall, f1: f1, support: Int(actual))
    }
    examples = labels.count
    let correct = (0..<count).reduce(0) { $0 + confusion[$1][$1] }
    accuracy = labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
    self.loss = loss
    macroF1 = classes.isEmpty ? 0 : classes.reduce(0) { $0 + $1.f1 } / Double(classes.count)
    self.confusion = confusion
  }
}
