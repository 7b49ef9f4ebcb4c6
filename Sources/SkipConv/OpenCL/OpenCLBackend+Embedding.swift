extension OpenCLBackend {
  public func embeddingForward(tokens: Tensor, table: Tensor, output: Tensor) throws {
    // Validate.
    let op = "embeddingForward"
    try Validate.embedding(tokens: tokens, table: table, output: output)
    try checkKernelRange(output, table, op: op)

    // Bind arguments: sizes as batch, width, length, vocabulary.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(tokens)), .buffer(try buffer(table)), .buffer(try buffer(output)),
      .int(tokens.shape[0]), .int(table.shape[1]), .int(tokens.shape[1]), .int(table.shape[0]),
    ]

    // Size the grid and enqueue, one work-item per output element.
    try launchFlat(
      "embedding_forward", file: "embedding.cl", count: output.count, arguments: arguments)
  }

  public func embeddingBackward(
    index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor,
    mode: GradientMode
  ) throws {
    // Validate.
    let op = "embeddingBackward"
    try Validate.embeddingBackward(
      index: index, outputGradient: outputGradient, tableGradient: tableGradient)
    try checkKernelRange(outputGradient, tableGradient, op: op)

    // Zero the table gradient when overwriting: the kernel writes only the rows of the batch.
    if mode == .overwrite {
      try fill(tableGradient, with: 0)
    }
    let uniqueCount = index.uniqueTokens.count
    guard uniqueCount > 0 else { return }

    // Bind arguments: sizes as unique count, batch, width, length, vocabulary.
    let width = tableGradient.shape[1]
    let arguments: [KernelArgument] = [
      .buffer(try buffer(index.uniqueTokens)), .buffer(try buffer(index.offsets)),
      .buffer(try buffer(index.positions)), .buffer(try buffer(outputGradient)),
      .buffer(try buffer(tableGradient)), .int(uniqueCount), .int(index.batch), .int(width),
      .int(index.length), .int(tableGradient.shape[0]), .int32(1),
    ]

    // Size the grid and enqueue, one work-item per (e, unique token).
    try launchGrid(
      "embedding_backward", file: "embedding.cl", globalSize: [width, uniqueCount],
      arguments: arguments)
  }

  public func makeEmbeddingGradientIndex(tokens: [Int32], batch: Int, length: Int) throws
    -> EmbeddingGradientIndex
  {
    // Validate.
    try Validate.embeddingIndex(tokens: tokens, batch: batch, length: length)

    // Group positions by token on the host.
    let (unique, offsets, positions) = EmbeddingGradientIndex.group(tokens)

    // Upload without waiting: the copies queue ahead of the backward pass that reads them.
    let uniqueTensor = try makeTensor([unique.count], .int32)
    let offsetsTensor = try makeTensor([offsets.count], .int32)
    let positionsTensor = try makeTensor([positions.count], .int32)
    try uploadAsync(unique, to: uniqueTensor)
    try uploadAsync(offsets, to: offsetsTensor)
    try uploadAsync(positions, to: positionsTensor)
    return EmbeddingGradientIndex(
      uniqueTokens: uniqueTensor, offsets: offsetsTensor, positions: positionsTensor,
      batch: batch, length: length, hostUniqueTokens: unique, hostOffsets: offsets,
      hostPositions: positions)
  }

  // MARK: Pooling over time

  public func maxPoolForward(input: Tensor, output: Tensor, argmax: Tensor) throws {
    // Validate.
    let op = "maxPoolForward"
    try Validate.maxPoolForward(input: input, output: output, argmax: argmax)
    try checkKernelRange(input, op: op)

    // Bind arguments: sizes as rows (N * C) and length.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(input)), .buffer(try buffer(output)), .buffer(try buffer(argmax)),
      .int(output.count), .int(input.shape[2]),
    ]

    // Size the grid and enqueue, one work-item per (n, c) row.
    try launchFlat(
      "max_pool_forward", file: "pooling.cl", count: output.count, arguments: arguments)
  }

  public func maxPoolBackward(
    outputGradient: Tensor, argmax: Tensor, inputGradient: Tensor, mode: GradientMode
  ) throws {
    // Validate.
    let op = "maxPoolBackward"
    try Validate.poolingBackward(
      outputGradient: outputGradient, inputGradient: inputGradient, op: op)
    try expectShape(argmax, outputGradient.shape, "argmax", op: op, type: .int32)
    try checkKernelRange(inputGradient, op: op)

    // Bind arguments: sizes as rows (N * C) and length.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(argmax)),
      .buffer(try buffer(inputGradient)), .int(outputGradient.count), .int(inputGradient.shape[2]),
      mode.kernelFlag,
    ]

    // Size the grid and enqueue, one work-item per input gradient element.
    try launchFlat(
      "max_pool_backward", file: "pooling.cl", count: inputGradient.count, arguments: arguments)
  }

  public func meanPoolForward(input: Tensor, output: Tensor) throws {
    // Validate.
    let op = "meanPoolForward"
    try Validate.pooling(input: input, output: output, op: op)
    try checkKernelRange(input, op: op)

    // Bind arguments: sizes as rows (N * C) and length.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(input)), .buffer(try buffer(output)), .int(output.count),
      .int(input.shape[2]),
    ]

    // Size the grid and enqueue, one work-item per (n, c) row.
    try launchFlat(
      "mean_pool_forward", file: "pooling.cl", count: output.count, arguments: arguments)
  }

  public func meanPoolBackward(outputGradient: Tensor, inputGradient: Tensor, mode: GradientMode)
    throws
  {
    // Validate.
    let op = "meanPoolBackward"
    try Validate.poolingBackward(
      outputGradient: outputGradient, inputGradient: inputGradient, op: op)
    try checkKernelRange(inputGradient, op: op)

    // Bind arguments: sizes as rows (N * C) and length.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(inputGradient)),
      .int(outputGradient.count), .int(inputGradient.shape[2]), mode.kernelFlag,
    ]

    // Size the grid and enqueue, one work-item per input gradient element.
    try launchFlat(
      "mean_pool_backward", file: "pooling.cl", count: inputGradient.count, arguments: arguments)
  }
}
