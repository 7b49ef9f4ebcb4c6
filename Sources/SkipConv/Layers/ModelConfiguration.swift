import Foundation

/// The architecture of a text classifier, stored as JSON in checkpoints and read from
/// `--config` files, with command-line overrides on top.
public struct ModelConfiguration: Codable, Equatable, Sendable {
  public enum BlockType: String, Codable, CaseIterable, Sendable {
    case residual, highway
  }

  public enum Pooling: String, Codable, CaseIterable, Sendable {
    case max, mean
  }

  public enum Tokenization: String, Codable, CaseIterable, Sendable {
    case word, character
  }

  public var blockType: BlockType = .residual
  /// Width E of the token embedding.
  public var embeddingDimension = 256
  /// Channels of the first stage; each further stage doubles them.
  public var channels = 256
  /// Blocks per stage.
  public var depth = 2
  /// Number of stages; each stage after the first starts with a stride-2 block that halves the
  /// length and doubles the channels.
  public var stages = 1
  public var kernelSize = 3
  public var dilation = 1
  public var pooling: Pooling = .max
  /// Dropout probability before the classifier.
  public var dropout: Float = 0.5
  /// Dropout probability on the embedded tokens `[N, E, L]`, which regularises the embedding
  /// table, by far the largest parameter of a word-level model.
  public var embeddingDropout: Float = 0.25
  /// Standard deviation of the normal distribution the embedding table starts from (PyTorch's
  /// `nn.Embedding` uses 1).
  public var embeddingInitStd: Float = 1
  public var tokenization: Tokenization = .word
  /// Token sequences are truncated to this length.
  public var maxLength = 64
  /// Word-level vocabulary: tokens seen fewer times in training map to the unknown id.
  public var minCount = 1
  /// Word-level vocabulary: the most frequent tokens kept, including padding and unknown.
  public var maxVocabulary = 50_000

  public init() {}

  /// Channels after every stage: `channels * 2^(stages - 1)`.
  public var outputChannels: Int { channels << (stages - 1) }

  /// Throws a `ConfigurationError` naming the first field out of range.
  public func validate() throws {
    let positive: [(String, Int)] = [
      ("embeddingDimension", embeddingDimension), ("channels", channels), ("depth", depth),
      ("stages", stages), ("kernelSize", kernelSize), ("dilation", dilation),
      ("maxLength", maxLength), ("minCount", minCount), ("maxVocabulary", maxVocabulary),
    ]
    for (name, value) in positive where value < 1 {
      throw ConfigurationError(field: name, message: "must be at least 1, got \(value)")
    }
    guard stages <= 8 else {
      throw ConfigurationError(field: "stages", message: "must be at most 8, got \(stages)")
    }
    guard (0..<1).contains(dropout) else {
      throw ConfigurationError(field: "dropout", message: "must be in [0, 1), got \(dropout)")
    }
    guard embeddingInitStd > 0, embeddingInitStd.isFinite else {
      throw ConfigurationError(
        field: "embeddingInitStd", message: "must be a positive number, got \(embeddingInitStd)")
    }
    guard (0..<1).contains(embeddingDropout) else {
      throw ConfigurationError(
        field: "embeddingDropout", message: "must be in [0, 1), got \(embeddingDropout)")
    }
    guard maxVocabulary >= 3 else {
      throw ConfigurationError(
        field: "maxVocabulary", message: "must be at least 3 (padding, unknown and one token)")
    }
  }

  private enum CodingKeys: String, CodingKey {
    case blockType = "block_type", embeddingDimension = "embedding_dim", channels, depth, stages
    case kernelSize = "kernel_size", dilation, pooling, dropout, tokenization
    case embeddingDropout = "embedding_dropout", embeddingInitStd = "embedding_init_std"
    case maxLength = "max_length", minCount = "min_count", maxVocabulary = "max_vocabulary"
  }

  /// Returns the JSON key of the property `field`, such as `kernel_size` for `kernelSize`, or
  /// nil when no key stores it.
  public static func jsonKey(forField field: String) -> String? {
    if field == "embeddingDimension" { return CodingKeys.embeddingDimension.rawValue }
    let snakeCase = field.map { $0.isUppercase ? "_" + $0.lowercased() : String($0) }.joined()
    return CodingKeys(rawValue: snakeCase)?.rawValue
  }

  /// Decodes a configuration in which every field is optional and defaults as above.
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = ModelConfiguration()
    func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
      try container.decodeIfPresent(T.self, forKey: key) ?? fallback
    }
    blockType = try value(.blockType, defaults.blockType)
    embeddingDimension = try value(.embeddingDimension, defaults.embeddingDimension)
    channels = try value(.channels, defaults.channels)
    depth = try value(.depth, defaults.depth)
    stages = try value(.stages, defaults.stages)
    kernelSize = try value(.kernelSize, defaults.kernelSize)
    dilation = try value(.dilation, defaults.dilation)
    pooling = try value(.pooling, defaults.pooling)
    dropout = try value(.dropout, defaults.dropout)
    embeddingDropout = try value(.embeddingDropout, defaults.embeddingDropout)
    embeddingInitStd = try value(.embeddingInitStd, defaults.embeddingInitStd)
    tokenization = try value(.tokenization, defaults.tokenization)
    maxLength = try value(.maxLength, defaults.maxLength)
    minCount = try value(.minCount, defaults.minCount)
    maxVocabulary = try value(.maxVocabulary, defaults.maxVocabulary)
  }

  /// Sorted-key JSON, so equal configurations give equal text.
  public func jsonString() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  public static func decode(json: String) throws -> ModelConfiguration {
    try JSONDecoder().decode(ModelConfiguration.self, from: Data(json.utf8))
  }
}

/// A model configuration value out of range.
public struct ConfigurationError: Error, CustomStringConvertible {
  public var field: String
  public var message: String

  public var description: String { "invalid model configuration: \(field) \(message)" }
}
