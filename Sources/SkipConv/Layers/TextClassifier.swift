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
    let initializers = [(embedding.table, Initializer.embeddingNormal)]
      + blocks.flatMap(\.initializers) + head.initializers
    for (parameter, initializer) in initializers {
      let values = initializer.values(
        count: parameter.count, shape: parameter.shape, random: &random)
      try backend.upload(values, to: parameter.value)
    }
  }

  /// Returns logits `[N, Y]` for tokens `[N, L]`; `dropoutSeed` turns on dropout (training).
  public func forward(tokens: Tensor, dropoutSeed: UInt32? = nil) throws -> Tensor {
    // The embedding's mask must differ from the classifier's, so its seed is hashed once more.
    var x = try embedding.forward(tokens, dropoutSeed: dropoutSeed.map { lowbias32(~$0) })
    blockInputs = []
    for block in blocks {
      blockInputs.append(x)
      x = try block.forward(x)
    }
    return try head.forward(x, dropoutSeed: dropoutSeed)
  }

  /// Overwrites every parameter gradient from the logits gradient of the last `forward`.
  public func backward(logitsGradient: Tensor, index: EmbeddingGradientIndex) throws {
    var dy = try head.backward(logitsGradient)
    for (position, block) in blocks.enumerated().reversed() {
      let dx = try workspace.tensor("dx\(position)", blockInputs[position].shape)
      try block.backward(dy, inputGradient: dx)
      dy = dx
    }
    try embedding.backward(dy, index: index)
  }
}
