/// Embedding and pooling over time, as adapters over `ReferenceOps`.
extension ReferenceBackend {
  public func embeddingForward(tokens: Tensor, table: Tensor, output: Tensor) throws {
    try Validate.embedding(tokens: tokens, table: table, output: output)
    let ids = try ints(tokens)
    let (vocabulary, width) = (table.shape[0], table.shape[1])
    let length = tokens.shape[1]
    try Validate.tokenIDs(ids, length: length, vocabulary: vocabulary, op: "embeddingForward")
    let y = ReferenceOps.embeddingForward(
      tokens: ids, table: try floats(table), length: length, width: width)
    try store(y, in: output)
  }

  public func embeddingBackward(
    index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor,
    mode: GradientMode
  ) throws {
    try Validate.embeddingBackward(
      index: index, outputGradient: outputGradient, tableGradient: tableGradient)
    let dtable = ReferenceOps.embeddingBackward(
      uniqueTokens: index.hostUniqueTokens, offsets: index.hostOffsets,
      positions: index.hostPositions, outputGradient: try floats(outputGradient),
      length: index.length, vocabulary: tableGradient.shape[0], width: tableGradient.shape[1])
    try storeGradient(dtable, in: tableGradient, mode: mode)
  }

  public func makeEmbeddingGradientIndex(tokens: [Int32], batch: Int, length: Int) throws
    -> EmbeddingGradientIndex
  {
    let op = "makeEmbeddingGradientIndex"
    guard batch >= 0, length >= 0, tokens.count == batch * length else {
      throw ShapeError(
        op: op, "\(tokens.count) tokens given for batch \(batch) and length \(length)")
    }
    if let position = tokens.firstIndex(where: { $0 < 0 }) {
      throw ShapeError(
        op: op,
        "token id \(tokens[position]) at position \(position) is negative; "
          + "ids must be in [0, V)")
    }
    let (unique, offsets, positions) = EmbeddingGradientIndex.group(tokens)
    return EmbeddingGradientIndex(
      uniqueTokens: try intTensor(unique), offsets: try intTensor(offsets),
      positions: try intTensor(positions), batch: batch, length: length,
      hostUniqueTokens: unique, hostOffsets: offsets, hostPositions: positions)
  }

  public func maxPoolForward(input: Tensor, lengths: Tensor?, output: Tensor, argmax: Tensor)
    throws
  {
    try Validate.maxPoolForward(input: input, lengths: lengths, output: output, argmax: argmax)
    let (y, positions) = ReferenceOps.maxPoolForward(
      input: try floats(input), length: input.shape[2], lengths: try lengths.map(ints))
    try store(y, in: output)
    try store(positions, in: argmax)
  }

  public func maxPoolBackward(
    outputGradient: Tensor, argmax: Tensor, inputGradient: Tensor, mode: GradientMode
  ) throws {
    let op = "maxPoolBackward"
    try Validate.poolingBackward(
      outputGradient: outputGradient, inputGradient: inputGradient, op: op)
    try expectShape(argmax, outputGradient.shape, "argmax", op: op, type: .int32)
    let positions = try ints(argmax)
    let length = inputGradient.shape[2]
    try Validate.argmaxPositions(positions, length: length, op: op)
    let dx = ReferenceOps.maxPoolBackward(
      outputGradient: try floats(outputGradient), argmax: positions, length: length)
    try storeGradient(dx, in: inputGradient, mode: mode)
  }

  public func meanPoolForward(input: Tensor, lengths: Tensor?, output: Tensor) throws {
    let op = "meanPoolForward"
    try Validate.pooling(input: input, output: output, op: op)
    try Validate.sequenceLengths(lengths, batch: input.shape[0], op: op)
    let y = ReferenceOps.meanPoolForward(
      input: try floats(input), length: input.shape[2], lengths: try lengths.map(ints))
    try store(y, in: output)
  }

  public func meanPoolBackward(
    outputGradient: Tensor, lengths: Tensor?, inputGradient: Tensor, mode: GradientMode
  ) throws {
    let op = "meanPoolBackward"
    try Validate.poolingBackward(
      outputGradient: outputGradient, inputGradient: inputGradient, op: op)
    try Validate.sequenceLengths(lengths, batch: inputGradient.shape[0], op: op)
    let dx = ReferenceOps.meanPoolBackward(
      outputGradient: try floats(outputGradient), length: inputGradient.shape[2],
      lengths: try lengths.map(ints))
    try storeGradient(dx, in: inputGradient, mode: mode)
  }

  public func sequenceMask(_ tensor: Tensor, lengths: Tensor) throws {
    try Validate.sequenceMask(tensor, lengths: lengths)
    let y = ReferenceOps.sequenceMask(
      try floats(tensor), length: tensor.shape[2], lengths: try ints(lengths))
    try store(y, in: tensor)
  }

  private func intTensor(_ values: [Int32]) throws -> Tensor {
    let tensor = try makeTensor([values.count], .int32)
    try upload(values, to: tensor)
    return tensor
  }
}
