import Foundation

/// A token table: id 0 is padding, id 1 stands for any unknown token, and ids from 2 name the
/// tokens in order.
///
/// Its JSON form is `{"tokens": ["<pad>", "<unk>", ...]}`, the whole table by id, so that a
/// checkpoint stores it as one string in its metadata.
public struct Vocabulary: Codable, Equatable, Sendable {
  public static let paddingID: Int32 = 0
  public static let unknownID: Int32 = 1
  public static let paddingToken = "<pad>"
  public static let unknownToken = "<unk>"

  /// Every token by id, the two reserved tokens first.
  public let tokens: [String]
  private let ids: [String: Int32]

  /// Creates a vocabulary of the reserved tokens followed by `tokens`, which must be distinct
  /// and must not repeat a reserved token.
  public init(tokens: [String]) throws {
    try self.init(table: [Self.paddingToken, Self.unknownToken] + tokens)
  }

  private init(table: [String]) throws {
    guard table.count <= Int(Int32.max) else {
      throw DataError.invalidMetadata("vocabulary has \(table.count) tokens, more than Int32 ids")
    }
    var ids: [String: Int32] = [:]
    for (id, token) in table.enumerated() {
      guard ids.updateValue(Int32(id), forKey: token) == nil else {
        throw DataError.invalidMetadata("vocabulary lists token '\(token)' twice")
      }
    }
    self.tokens = table
    self.ids = ids
  }

  /// Builds the vocabulary of `texts`: tokens seen at least `minimumCount` times, most frequent
  /// first, ties in ascending order of their UTF-8 bytes, cut so that the whole table (reserved
  /// ids included) has at most `maximumSize` entries.
  public static func build(
    from texts: some Sequence<String>, tokenizer: Tokenizer, minimumCount: Int = 1,
    maximumSize: Int? = nil
  ) throws -> Vocabulary {
    guard minimumCount >= 1 else {
      throw DataError.invalidOption(
        "invalid minimum token count \(minimumCount): expected 1 or more")
    }
    if let maximumSize, maximumSize < 3 {
      throw DataError.invalidOption(
        "invalid maximum vocabulary size \(maximumSize): expected 3 or more, because ids 0 and 1 "
          + "are reserved for padding and unknown tokens")
    }
    var counts: [String: Int] = [:]
    for text in texts {
      for token in tokenizer.tokenize(text) {
        counts[token, default: 0] += 1
      }
    }
    counts[paddingToken] = nil
    counts[unknownToken] = nil
    var ranked = counts.filter { $0.value >= minimumCount }.sorted { left, right in
      left.value != right.value
        ? left.value > right.value : left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
    }
    if let maximumSize, ranked.count > maximumSize - 2 {
      ranked.removeLast(ranked.count - (maximumSize - 2))
    }
    return try Vocabulary(tokens: ranked.map(\.key))
  }

  /// Number of ids, the reserved ones included: the embedding table's row count.
  public var count: Int { tokens.count }

  /// Returns the id of `token`, or `unknownID` when the vocabulary lacks it.
  public func id(of token: String) -> Int32 {
    ids[token] ?? Self.unknownID
  }

  /// Returns the ids of `tokens`.
  public func encode(_ tokens: [String]) -> [Int32] {
    tokens.map(id(of:))
  }

  /// Returns the tokens of `ids`, dropping padding. An id outside the table decodes as `<unk>`.
  public func decode(_ ids: [Int32]) -> [String] {
    ids.filter { $0 != Self.paddingID }.map { id in
      tokens.indices.contains(Int(id)) ? tokens[Int(id)] : Self.unknownToken
    }
  }

  // MARK: - JSON

  private enum CodingKeys: String, CodingKey {
    case tokens
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let table = try container.decode([String].self, forKey: .tokens)
    guard table.count >= 2, table[0] == Self.paddingToken, table[1] == Self.unknownToken else {
      throw DataError.invalidMetadata(
        "vocabulary must start with '\(Self.paddingToken)' and '\(Self.unknownToken)', found "
          + "\(table.prefix(2))")
    }
    try self.init(table: table)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(tokens, forKey: .tokens)
  }

  public static func == (left: Vocabulary, right: Vocabulary) -> Bool {
    left.tokens == right.tokens
  }
}

/// JSON text for the metadata of a checkpoint, with sorted keys so equal values give equal text.
public func metadataJSON(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Decodes a value stored with `metadataJSON`, raising `DataError.invalidMetadata` on failure.
public func decodeMetadataJSON<Value: Decodable>(_ type: Value.Type, from text: String) throws
  -> Value
{
  do {
    return try JSONDecoder().decode(type, from: Data(text.utf8))
  } catch let error as DataError {
    throw error
  } catch {
    throw DataError.invalidMetadata("cannot decode \(type) from JSON: \(error)")
  }
}
