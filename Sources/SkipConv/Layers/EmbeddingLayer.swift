/// Token embedding: tokens `[N, L]` (int32) to `[N, E, L]`, channel-major for the convolutions.
/// Table `[V, E]` named `embedding.weight`; row 0 is padding and gets no gradient.
final class EmbeddingLayer {
  let table: Parameter
  private let backend: Backend
  private let workspace: Workspace

  /// Dropout probability on the output; 0 turns it off.
  let dropout: Float
  private var dropoutSeed: UInt32?

  init(vocabularySize: Int, dimension: Int, dropout: Float, backend: Backend) throws {
    self.backend = backend
    self.dropout = dropout
    workspace = Workspace(backend: backend)
    table = try Parameter(
      name: "embedding.weight", shape: [vocabularySize, dimension], backend: backend)
  }

  var dimension: Int { table.shape[1] }

  /// Gathers the rows of `tokens`; with `dropoutSeed` (training) also applies dropout.
  func forward(_ tokens: Tensor, dropoutSeed: UInt32?) throws -> Tensor {
    let shape = [tokens.shape[0], dimension, tokens.shape[1]]
    let y = try workspace.tensor("y", shape)
    try backend.embeddingForward(tokens: tokens, table: table.value, output: y)
    self.dropoutSeed = dropout > 0 ? dropoutSeed : nil
    guard let dropoutSeed = self.dropoutSeed else { return y }
    let dropped = try workspace.tensor("dropped", shape)
    try backend.dropoutForward(input: y, output: dropped, probability: dropout, seed: dropoutSeed)
    return dropped
  }

  /// Overwrites the table gradient from `dy [N, E, L]`, grouped by `index`.
  func backward(_ dy: Tensor, index: EmbeddingGradientIndex) throws {
    var gradient = dy
    if let dropoutSeed {
      gradient = try workspace.tensor("dy", dy.shape)
      try backend.dropoutBackward(
        outputGradient: dy, inputGradient: gradient, probability: dropout, seed: dropoutSeed,
        mode: .overwrite)
    }
    try backend.embeddingBackward(
      index: index, outputGradient: gradient, tableGradient: table.gradient, mode: .overwrite)
  }
}

/// Pooling over time, dropout and the linear classifier: `[N, C, L] -> [N, Y]`.
/// Weight `[Y, C]` and bias `[Y]` named `classifier.weight` and `classifier.bias`.
final class ClassifierHead {
  let weight: Parameter
  let bias: Parameter
  let pooling: ModelConfiguration.Pooling
  let dropout: Float
  private let backend: Backend
  private let workspace: Workspace
  private var inputShape: [Int] = []
  private var lengths: Tensor?
  private var dropoutSeed: UInt32?

  init(
    channels: Int, classCount: Int, pooling: ModelConfiguration.Pooling, dropout: Float,
    backend: Backend
  ) throws {
    self.pooling = pooling
    self.dropout = dropout
    self.backend = backend
    workspace = Workspace(backend: backend)
    weight = try Parameter(name: "classifier.weight", shape: [classCount, channels], backend: backend)
    bias = try Parameter(name: "classifier.bias", shape: [classCount], backend: backend)
  }

  var parameters: [Parameter] { [weight, bias] }
  var initializers: [(Parameter, Initializer)] {
    let fanIn = weight.shape[1]
    return [(weight, .fanInUniform(fanIn: fanIn)), (bias, .fanInUniform(fanIn: fanIn))]
  }

  /// Returns logits `[N, Y]`, pooling each row of x `[N, C, L]` over its valid length from
  /// `lengths [N]` (int32). Dropout applies only when `dropoutSeed` is given (training).
  func forward(_ x: Tensor, lengths: Tensor, dropoutSeed: UInt32?) throws -> Tensor {
    let batch = x.shape[0]
    let channels = x.shape[1]
    let pooled = try workspace.tensor("pooled", [batch, channels])
    switch pooling {
    case .max:
      let argmax = try workspace.tensor("argmax", [batch, channels], .int32)
      try backend.maxPoolForward(input: x, lengths: lengths, output: pooled, argmax: argmax)
    case .mean:
      try backend.meanPoolForward(input: x, lengths: lengths, output: pooled)
    }
    var features = pooled
    if let dropoutSeed, dropout > 0 {
      features = try workspace.tensor("dropped", [batch, channels])
      try backend.dropoutForward(
        input: pooled, output: features, probability: dropout, seed: dropoutSeed)
    }
    let logits = try workspace.tensor("logits", [batch, weight.shape[0]])
    try backend.linearForward(input: features, weight: weight.value, bias: bias.value, output: logits)
    inputShape = x.shape
    self.lengths = lengths
    self.dropoutSeed = dropoutSeed
    return logits
  }

  /// Overwrites the classifier gradients and writes the input gradient `[N, C, L]`.
  func backward(_ dlogits: Tensor) throws -> Tensor {
    let batch = inputShape[0]
    let channels = inputShape[1]
    let pooled = try workspace.tensor("pooled", [batch, channels])
    let useDropout = dropoutSeed != nil && dropout > 0
    let features = useDropout ? try workspace.tensor("dropped", [batch, channels]) : pooled
    try backend.linearBackwardWeight(
      outputGradient: dlogits, input: features, weightGradient: weight.gradient,
      biasGradient: bias.gradient, mode: .overwrite)
    let dfeatures = try workspace.tensor("dfeatures", [batch, channels])
    try backend.linearBackwardInput(
      outputGradient: dlogits, weight: weight.value, inputGradient: dfeatures, mode: .overwrite)
    var dpooled = dfeatures
    if useDropout, let dropoutSeed {
      dpooled = try workspace.tensor("dpooled", [batch, channels])
      try backend.dropoutBackward(
        outputGradient: dfeatures, inputGradient: dpooled, probability: dropout,
        seed: dropoutSeed, mode: .overwrite)
    }
    let dx = try workspace.tensor("dx", inputShape)
    switch pooling {
    case .max:
      let argmax = try workspace.tensor("argmax", [batch, channels], .int32)
      try backend.maxPoolBackward(
        outputGradient: dpooled, argmax: argmax, inputGradient: dx, mode: .overwrite)
    case .mean:
      try backend.meanPoolBackward(
        outputGradient: dpooled, lengths: lengths, inputGradient: dx, mode: .overwrite)
    }
    return dx
  }
}
