/// A batch ready for the device: token ids `[N, L]` row-major, padded with 0, labels `[N]` and
/// the true token count of each row `[N]`.
public struct TokenBatch: Sendable {
  public var tokens: [Int32]
  public var labels: [Int32]
  /// The number of ids of each row before its padding, in `[1, L]`. Every id past it is 0.
  /// `Batch.rowLengths(tokens:length:)` computes it from padded tokens.
  public var lengths: [Int32]
  public var batchSize: Int
  public var length: Int

  public init(tokens: [Int32], labels: [Int32], lengths: [Int32], batchSize: Int, length: Int) {
    precondition(tokens.count == batchSize * length, "tokens do not fill [batchSize, length]")
    precondition(labels.count == batchSize, "one label per row expected")
    precondition(lengths.count == batchSize, "one length per row expected")
    for (row, count) in lengths.enumerated() {
      precondition(
        count >= 1 && Int(count) <= length,
        "length \(count) of row \(row) is outside [1, \(length)]")
      precondition(
        tokens[row * length + Int(count)..<(row + 1) * length].allSatisfy { $0 == 0 },
        "row \(row) has non-padding ids past its length \(count)")
    }
    self.tokens = tokens
    self.labels = labels
    self.lengths = lengths
    self.batchSize = batchSize
    self.length = length
  }
}

/// The summed loss and correct predictions of one batch, read back from the device.
public struct BatchOutcome: Sendable {
  public var lossSum: Double
  public var correct: Int
  public var count: Int
  /// Per-row predicted classes.
  public var predictions: [Int32]
  /// Whether any row's loss was NaN or infinite.
  public var nonFinite: Bool { !lossSum.isFinite }
}

/// One forward, backward and optimizer step of a classifier, and inference on a batch, with the
/// device reading back only the per-row losses and predictions.
public final class TrainingStep {
  public let model: TextClassifier
  public let optimizer: Optimizer?
  private let backend: Backend
  private let workspace: Workspace

  public init(model: TextClassifier, optimizer: Optimizer?, backend: Backend) {
    self.model = model
    self.optimizer = optimizer
    self.backend = backend
    workspace = Workspace(backend: backend)
  }

  /// The uploaded form of a batch: tokens, labels, the lengths of each block's output and the
  /// embedding gradient index.
  public struct DeviceBatch {
    var tokens: Tensor
    var labels: Tensor
    var lengths: BlockLengths
    var index: EmbeddingGradientIndex?
    var host: TokenBatch
  }

  /// Uploads `batch`; with `forTraining` also groups its tokens for the embedding gradient.
  public func upload(_ batch: TokenBatch, forTraining: Bool) throws -> DeviceBatch {
    let tokens = try backend.makeTensor([batch.batchSize, batch.length], .int32)
    let labels = try backend.makeTensor([batch.batchSize], .int32)
    try backend.uploadAsync(batch.tokens, to: tokens)
    try backend.uploadAsync(batch.labels, to: labels)
    let lengths = try model.uploadLengths(batch.lengths)
    let index = forTraining
      ? try backend.makeEmbeddingGradientIndex(
        tokens: batch.tokens, batch: batch.batchSize, length: batch.length)
      : nil
    return DeviceBatch(tokens: tokens, labels: labels, lengths: lengths, index: index, host: batch)
  }

  /// Queues forward, loss, backward and the optimizer update for `batch`, without waiting.
  /// Call `outcome()` to read the result.
  public func train(_ batch: DeviceBatch, learningRate: Float, dropoutSeed: UInt32) throws {
    guard let optimizer, let index = batch.index else {
      throw ShapeError(op: "train", "training needs an optimizer and a batch uploaded for training")
    }
    let logits = try model.forward(
      tokens: batch.tokens, lengths: batch.lengths, dropoutSeed: dropoutSeed)
    let dlogits = try loss(logits, labels: batch.labels, scale: 1 / Float(batch.host.batchSize))
    try model.backward(logitsGradient: dlogits, index: index)
    try optimizer.apply(learningRate: learningRate)
  }

  /// Queues the forward pass without dropout and the loss for `batch`.
  public func evaluate(_ batch: DeviceBatch) throws {
    let logits = try model.forward(tokens: batch.tokens, lengths: batch.lengths, dropoutSeed: nil)
    _ = try loss(logits, labels: batch.labels, scale: 0)
  }

  /// Returns the logits of the last forward pass, `[N, Y]` (waits for the device).
  public func lastLogits() throws -> [Float] {
    guard let logits = lastLogitsTensor else { return [] }
    return try backend.download(logits)
  }

  private var lastLogitsTensor: Tensor?

  private func loss(_ logits: Tensor, labels: Tensor, scale: Float) throws -> Tensor {
    let batch = logits.shape[0]
    let losses = try workspace.tensor("losses", [batch])
    let predictions = try workspace.tensor("predictions", [batch], .int32)
    let dlogits = try workspace.tensor("dlogits", logits.shape)
    try backend.softmaxCrossEntropy(
      logits: logits, labels: labels, losses: losses, predictions: predictions,
      logitsGradient: dlogits, gradientScale: scale)
    lastLogitsTensor = logits
    return dlogits
  }

  /// Returns the name of the first parameter that holds a NaN or infinite value, or nil when
  /// every value is finite (waits for the device and downloads every parameter).
  public func firstNonFiniteParameter() throws -> String? {
    for parameter in model.parameters {
      let values: [Float] = try backend.download(parameter.value)
      if values.contains(where: { !$0.isFinite }) {
        return parameter.name
      }
    }
    return nil
  }

  /// Waits for the last `train` or `evaluate` and returns its summed loss and correct count.
  public func outcome(labels: [Int32]) throws -> BatchOutcome {
    let batch = labels.count
    let losses: [Float] = try backend.download(try workspace.tensor("losses", [batch]))
    let predictions: [Int32] = try backend.download(
      try workspace.tensor("predictions", [batch], .int32))
    var lossSum = 0.0
    for value in losses {
      lossSum += Double(value)
    }
    let correct = zip(predictions, labels).filter { $0 == $1 }.count
    return BatchOutcome(lossSum: lossSum, correct: correct, count: batch, predictions: predictions)
  }
}
