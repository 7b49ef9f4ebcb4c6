/// Checks of embedding and pooling shapes, and of the token ids and argmax positions they index
/// with.
extension Validate {
  /// Checks that every token id is in `[0, vocabulary)`, naming the first one that is not.
  static func tokenIDs(_ tokens: [Int32], length: Int, vocabulary: Int, op: String) throws {
    for (position, token) in tokens.enumerated() where token < 0 || Int(token) >= vocabulary {
      let (row, column) = length > 0 ? (position / length, position % length) : (0, position)
      throw ShapeError(
        op: op,
        "token id \(token) at row \(row), column \(column) is outside the vocabulary "
          + "[0, \(vocabulary)); check that the table has a row for every id of the tokenizer")
    }
  }

  /// Checks dy `[N, E, L]` and dtable `[V, E]` against the batch and length of `index`, and that
  /// every id in `index` is a non-padding row of dtable.
  static func embeddingBackward(
    index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor
  ) throws {
    let op = "embeddingBackward"
    guard tableGradient.rank == 2, tableGradient.elementType == .float32 else {
      throw ShapeError(
        op: op,
        "table gradient has shape \(tableGradient.shape) \(tableGradient.elementType), "
          + "expected [V, E] float32")
    }
    let (vocabulary, width) = (tableGradient.shape[0], tableGradient.shape[1])
    try expectShape(
      outputGradient, [index.batch, width, index.length], "output gradient", op: op)
    guard index.hostOffsets.count == index.hostUniqueTokens.count + 1,
      Int(index.hostOffsets.last ?? 0) == index.hostPositions.count
    else {
      throw ShapeError(
        op: op,
        "gradient index has \(index.hostUniqueTokens.count) ids, "
          + "\(index.hostOffsets.count) offsets and \(index.hostPositions.count) positions; "
          + "build it with makeEmbeddingGradientIndex")
    }
    for token in index.hostUniqueTokens where token < 1 || Int(token) >= vocabulary {
      throw ShapeError(
        op: op,
        "token id \(token) in the gradient index is outside the table gradient rows "
          + "[1, \(vocabulary))")
    }
  }

  /// Checks max pooling shapes: x `[N, C, L]` with `L >= 1`, lengths `[N]` int32 when given,
  /// y `[N, C]`, argmax `[N, C]` int32.
  static func maxPoolForward(input: Tensor, lengths: Tensor?, output: Tensor, argmax: Tensor)
    throws
  {
    let op = "maxPoolForward"
    try pooling(input: input, output: output, op: op)
    try sequenceLengths(lengths, batch: input.shape[0], op: op)
    try expectShape(argmax, output.shape, "argmax", op: op, type: .int32)
  }

  /// Checks that `lengths`, when given, is int32 `[batch]`. Its values need no check, because
  /// the ops clamp each one to `[1, L]`.
  static func sequenceLengths(_ lengths: Tensor?, batch: Int, op: String) throws {
    guard let lengths else { return }
    try expectShape(lengths, [batch], "lengths", op: op, type: .int32)
  }

  /// Checks pooling backward shapes: dx `[N, C, L]` with `L >= 1`, dy `[N, C]`.
  static func poolingBackward(outputGradient: Tensor, inputGradient: Tensor, op: String) throws {
    guard inputGradient.rank == 3, inputGradient.shape[2] >= 1,
      inputGradient.elementType == .float32
    else {
      throw ShapeError(
        op: op,
        "input gradient has shape \(inputGradient.shape) \(inputGradient.elementType), "
          + "expected [N, C, L] float32 with L >= 1")
    }
    let pooledShape = Array(inputGradient.shape.prefix(2))
    try expectShape(outputGradient, pooledShape, "output gradient", op: op)
  }

  /// Checks that every argmax value is a position in `[0, length)`, naming the first one that is
  /// not.
  static func argmaxPositions(_ argmax: [Int32], length: Int, op: String) throws {
    for (row, position) in argmax.enumerated() where position < 0 || Int(position) >= length {
      throw ShapeError(
        op: op,
        "argmax \(position) in row \(row) is outside the pooled length [0, \(length)); "
          + "pass the argmax that maxPoolForward wrote")
    }
  }
}
