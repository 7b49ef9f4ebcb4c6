extension OpenCLBackend {
  /// Block sizes of the embedding kernels: 16 positions per forward work-item and 16 columns per
  /// backward work-item on CPU devices, one of each on GPUs (see `Kernels/embedding.cl`).
  var embeddingOptions: BuildOptions {
    let block = variants.deviceClass == .cpu ? 16 : 1
    return BuildOptions(["POSITIONS_PER_ITEM": block, "WIDTH_PER_ITEM": block])
  }

  public func embeddingForward(tokens: Tensor, table: Tensor, output: Tensor) throws {
    // Validate.
    let op = "embeddingForward"
    try Validate.embedding(tokens: tokens, table: table, output: output)
    try checkKernelRange(output, table, op: op)

    // Bind arguments: sizes as batch, width, length, vocabulary.
    let (batch, width, length) = (tokens.shape[0], table.shape[1], tokens.shape[1])
    let arguments: [KernelArgument] = [
      .buffer(try buffer(tokens)), .buffer(try buffer(table)), .buffer(try buffer(output)),
      .int(batch), .int(width), .int(length), .int(table.shape[0]),
    ]

    // Size the grid and enqueue, one block of positions of one (n, e) row per work-item.
    let options = embeddingOptions
    let block = options.defines["POSITIONS_PER_ITEM"] ?? 1
    try launchGrid(
      "embedding_forward", file: "embedding.cl", options: options,
      globalSize: [(length + block - 1) / block, width, batch], arguments: arguments)
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
      .int(index.length), .int(tableGradient.shape[0]), mode.kernelFlag,
    ]

    // Size the grid and enqueue, one block of columns of one unique token per work-item.
    let options = embeddingOptions
    let block = options.defines["WIDTH_PER_ITEM"] ?? 1
    try launchGrid(
      "embedding_backward", file: "embedding.cl", options: options,
      globalSize: [(width + block - 1) / block, uniqueCount], arguments: arguments)
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
}
