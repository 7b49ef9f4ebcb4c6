/// Turns texts into token ids of bounded length.
public struct SequenceEncoder: Equatable, Sendable {
  public let tokenizer: Tokenizer
  public let vocabulary: Vocabulary
  /// The maximum number of ids per text. Longer texts are cut at the end.
  public let maxLength: Int
  /// The minimum number of ids per text. Shorter texts are padded with id 0, so a convolution of
  /// width `minLength` or less always has input.
  public let minLength: Int

  /// Raises `DataError.invalidOption` unless `1 <= minLength <= maxLength`. Without `minLength`,
  /// the minimum is 5, or `maxLength` when that is shorter.
  public init(tokenizer: Tokenizer, vocabulary: Vocabulary, maxLength: Int, minLength: Int? = nil)
    throws
  {
    let minLength = minLength ?? min(5, maxLength)
    guard minLength >= 1, minLength <= maxLength else {
      throw DataError.invalidOption(
        "invalid sequence lengths: minimum \(minLength), maximum \(maxLength); expected "
          + "1 <= minimum <= maximum")
    }
    self.tokenizer = tokenizer
    self.vocabulary = vocabulary
    self.maxLength = maxLength
    self.minLength = minLength
  }

  /// Returns the ids of `text`: its tokens truncated to `maxLength`, then padded to `minLength`.
  public func encode(_ text: String) -> [Int32] {
    var ids = vocabulary.encode(Array(tokenizer.tokenize(text).prefix(maxLength)))
    if ids.count < minLength {
      ids += [Int32](repeating: Vocabulary.paddingID, count: minLength - ids.count)
    }
    return ids
  }

  /// Encodes `examples` with their class ids from `labels`; raises `DataError.unknownLabel` for
  /// a label outside `labels`.
  public func encode(_ examples: [LabelledExample], labels: LabelSet) throws -> EncodedDataset {
    EncodedDataset(
      sequences: examples.map { encode($0.text) }, labels: try labels.classIDs(of: examples),
      minLength: minLength)
  }
}

/// Encoded examples: one id sequence (unpadded beyond `minLength`) and one class id each.
public struct EncodedDataset: Equatable, Sendable {
  public let sequences: [[Int32]]
  public let labels: [Int32]
  public let minLength: Int

  public init(sequences: [[Int32]], labels: [Int32], minLength: Int) {
    precondition(sequences.count == labels.count, "one label per sequence")
    self.sequences = sequences
    self.labels = labels
    self.minLength = minLength
  }

  public var count: Int { sequences.count }

  /// The sequence lengths, for `BatchSchedule`.
  public var lengths: [Int] { sequences.map(\.count) }

  /// Returns the examples at `indices` as one batch, padded with id 0 to the longest of them (at least
  /// `minLength`).
  public func batch(_ indices: [Int]) -> Batch {
    let length = indices.map { sequences[$0].count }.max().map { max($0, minLength) } ?? minLength
    var tokens = [Int32](repeating: Vocabulary.paddingID, count: indices.count * length)
    for (row, index) in indices.enumerated() {
      let sequence = sequences[index]
      tokens.replaceSubrange(row * length..<(row * length + sequence.count), with: sequence)
    }
    return Batch(
      tokens: tokens, labels: indices.map { labels[$0] }, length: length, indices: indices)
  }

  /// Returns the examples at `indices` as a new dataset.
  public func subset(_ indices: [Int]) -> EncodedDataset {
    EncodedDataset(
      sequences: indices.map { sequences[$0] }, labels: indices.map { labels[$0] },
      minLength: minLength)
  }
}

/// One batch: token ids `[N, L]` row-major, class ids `[N]`.
public struct Batch: Equatable, Sendable {
  /// `N * L` token ids, row `n` holding example `indices[n]` padded with id 0.
  public let tokens: [Int32]
  public let labels: [Int32]
  /// L, the padded length of every row.
  public let length: Int
  /// The dataset index of each row.
  public let indices: [Int]

  /// N, the number of examples.
  public var count: Int { labels.count }

  /// `[N, L]`, the shape of `tokens`.
  public var tokenShape: [Int] { [count, length] }

  /// The true token count of each row, `[N]`: see `rowLengths(tokens:length:)`.
  public var lengths: [Int32] { Self.rowLengths(tokens: tokens, length: length) }

  /// Returns the number of ids before the trailing padding (id 0) of each row of `tokens [N, L]`,
  /// at least 1, so that a text that encodes to no token still has one position to pool over.
  public static func rowLengths(tokens: [Int32], length: Int) -> [Int32] {
    guard length > 0 else { return [] }
    return stride(from: 0, to: tokens.count, by: length).map { start in
      var end = start + length
      while end > start + 1, tokens[end - 1] == Vocabulary.paddingID {
        end -= 1
      }
      return Int32(end - start)
    }
  }
}
