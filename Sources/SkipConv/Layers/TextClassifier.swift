/// A residual or highway Conv1d text classifier: embedding, stages of blocks, pooling over time,
/// dropout and a linear layer. Runs on any `Backend`.
public final class TextClassifier {
  public let configuration: ModelConfiguration
  public let vocabularySize: Int
  public let classCount: Int
  let embedding: EmbeddingLayer
  let blocks: [Block]
  let head: ClassifierHead
  private let backend: Backend
  private let workspace: Workspace
  private var blockInputs: [Tensor] = []
  private var blockLengths: BlockLengths?

  /// Builds the model and initialises its parameters from `seed` as PyTorch's defaults would.
  public init(
    configuration: ModelConfiguration, vocabularySize: Int, classCount: Int, backend: Backend,
    seed: UInt64
  ) throws {
    try configuration.validate()
    guard vocabularySize >= 2, classCount >= 1 else {
      throw ConfigurationError(
        field: "vocabulary", message: "needs at least 2 tokens and 1 class, got "
          + "\(vocabularySize) tokens and \(classCount) classes")
    }
    self.configuration = configuration
    self.vocabularySize = vocabularySize
    self.classCount = classCount
    self.backend = backend
    workspace = Workspace(backend: backend)
    embedding = try EmbeddingLayer(
      vocabularySize: vocabularySize, dimension: configuration.embeddingDimension,
      dropout: configuration.embeddingDropout, backend: backend)
    blocks = try Self.makeBlocks(configuration, backend: backend)
    head = try ClassifierHead(
      channels: configuration.outputChannels, classCount: classCount,
      pooling: configuration.pooling, dropout: configuration.dropout, backend: backend)
    try initialize(seed: seed)
  }

  private static func makeBlocks(_ configuration: ModelConfiguration, backend: Backend) throws
    -> [Block]
  {
    var blocks: [Block] = []
    var channels = configuration.embeddingDimension
    for stage in 0..<configuration.stages {
      let stageChannels = configuration.channels << stage
      for index in 0..<configuration.depth {
        let stride = stage > 0 && index == 0 ? 2 : 1
        let name = "blocks.\(blocks.count)"
        let block: Block
        switch configuration.blockType {
        case .residual:
          block = try ResidualBlock(
            name: name, inputChannels: channels, outputChannels: stageChannels,
            kernelSize: configuration.kernelSize, stride: stride,
            dilation: configuration.dilation, backend: backend)
        case .highway:
          block = try HighwayBlock(
            name: name, inputChannels: channels, outputChannels: stageChannels,
            kernelSize: configuration.kernelSize, stride: stride,
            dilation: configuration.dilation, backend: backend)
        }
        blocks.append(block)
        channels = stageChannels
      }
    }
    return blocks
  }

  /// Every parameter in checkpoint order: embedding, blocks, classifier.
  public var parameters: [Parameter] {
    [embedding.table] + blocks.flatMap(\.parameters) + head.parameters
  }

  /// Total number of trainable values.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  private func initialize(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let initializers = [
      (embedding.table, Initializer.embeddingNormal(std: configuration.embeddingInitStd))
    ]
      + blocks.flatMap(\.initializers) + head.initializers
    for (parameter, initializer) in initializers {
      let values = initializer.values(
        count: parameter.count, shape: parameter.shape, random: &random)
      try backend.upload(values, to: parameter.value)
    }
  }

  /// Computes the valid length of every row after each block from the token counts `[N]` of a
  /// batch, on the host, and uploads each distinct stage's lengths once.
  ///
  /// A stride-1 block keeps a length l, and a stride-2 block maps it to `(l - 1) / 2 + 1`, the
  /// output length of its convolutions on the unpadded row.
  public func uploadLengths(_ tokenCounts: [Int32]) throws -> BlockLengths {
    if let row = tokenCounts.firstIndex(where: { $0 < 1 }) {
      throw ShapeError(
        op: "uploadLengths",
        "row \(row) has token count \(tokenCounts[row]), expected at least 1; count a text "
          + "without tokens as 1")
    }
    var current = tokenCounts
    var tensor: Tensor?
    var outputs: [Tensor] = []
    for block in blocks {
      let next = try current.map { Int32(try block.outputLength(Int($0))) }
      if tensor == nil || next != current {
        tensor = try uploadInt32(next)
      }
      outputs.append(tensor!)
      current = next
    }
    let pooling = try outputs.last ?? uploadInt32(current)
    return BlockLengths(blockOutputs: outputs, pooling: pooling)
  }

  private func uploadInt32(_ values: [Int32]) throws -> Tensor {
    let tensor = try backend.makeTensor([values.count], .int32)
    try backend.uploadAsync(values, to: tensor)
    return tensor
  }

  /// Returns logits `[N, Y]` for tokens `[N, L]`; `dropoutSeed` turns on dropout (training).
  ///
  /// Each block's output is zeroed past the valid length of its row, so the padding of a batch
  /// reaches neither the next block nor the pooling, and a row's logits do not depend on the
  /// other rows of its batch. The embedding output needs no mask, because padding (id 0) reads
  /// row 0 of the table: it starts at zero and gets no gradient, and weight decay keeps a zero
  /// at zero.
  ///
  /// NOTE: a checkpoint written elsewhere with a non-zero row 0 breaks this, because loading
  /// does not check the row.
  public func forward(tokens: Tensor, lengths: BlockLengths, dropoutSeed: UInt32? = nil) throws
    -> Tensor
  {
    guard lengths.blockOutputs.count == blocks.count else {
      throw ShapeError(
        op: "text classifier",
        "lengths cover \(lengths.blockOutputs.count) blocks, but the model has \(blocks.count); "
          + "make them with this model's uploadLengths")
    }
    // The embedding's mask must differ from the classifier's, so its seed is hashed once more.
    var x = try embedding.forward(tokens, dropoutSeed: dropoutSeed.map { lowbias32(~$0) })
    blockInputs = []
    for (block, outputLengths) in zip(blocks, lengths.blockOutputs) {
      blockInputs.append(x)
      x = try block.forward(x, lengths: outputLengths)
      try backend.sequenceMask(x, lengths: outputLengths)
    }
    blockLengths = lengths
    return try head.forward(x, lengths: lengths.pooling, dropoutSeed: dropoutSeed)
  }

  /// Overwrites every parameter gradient from the logits gradient of the last `forward`.
  public func backward(logitsGradient: Tensor, index: EmbeddingGradientIndex) throws {
    guard let blockLengths else {
      throw ShapeError(op: "text classifier", "backward called before forward")
    }
    var dy = try head.backward(logitsGradient)
    for (position, block) in blocks.enumerated().reversed() {
      // The forward pass set the padding of this output to a constant 0, so it has no gradient.
      try backend.sequenceMask(dy, lengths: blockLengths.blockOutputs[position])
      let dx = try workspace.tensor("dx\(position)", blockInputs[position].shape)
      try block.backward(dy, inputGradient: dx)
      dy = dx
    }
    try embedding.backward(dy, index: index)
  }
}

/// The valid length `[N]` (int32) of each row of a batch after every block, on the device, as
/// `TextClassifier.uploadLengths` computes it. Blocks of one stage share a tensor.
public struct BlockLengths {
  /// One tensor per block, in block order.
  public var blockOutputs: [Tensor]
  /// The lengths the pooling over time reads: those of the last block's output.
  public var pooling: Tensor
}
