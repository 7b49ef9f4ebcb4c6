/// Pooling over time and the sequence mask, which leave out the padding of each row given the
/// per-example lengths (see `Kernels/pooling.cl` and `Kernels/sequence_mask.cl`).
extension OpenCLBackend {
  /// Enqueues a pooling forward kernel, one work-item per (n, c) row.
  private func launchPoolingForward(
    _ name: String, rows: Int, arguments: [KernelArgument]
  ) throws {
    try launchFlat(
      name, file: "pooling.cl", options: elementwiseOptions, count: rows, arguments: arguments)
  }

  /// Enqueues a kernel of `file` with one work-item per VECTOR_WIDTH positions of a row.
  private func launchRowPositions(
    _ name: String, file: String = "pooling.cl", rows: Int, length: Int,
    arguments: [KernelArgument]
  ) throws {
    let options = elementwiseOptions
    let width = options.defines["VECTOR_WIDTH"] ?? 1
    try launchGrid(
      name, file: file, options: options,
      globalSize: [(length + width - 1) / width, rows], arguments: arguments)
  }

  /// Returns the `lengths, has_lengths` kernel arguments. Without lengths the kernels read none,
  /// so `placeholder`, any valid buffer, is passed in their place.
  private func lengthArguments(_ lengths: Tensor?, placeholder: Tensor) throws
    -> [KernelArgument]
  {
    [.buffer(try buffer(lengths ?? placeholder)), .int32(lengths == nil ? 0 : 1)]
  }

  public func maxPoolForward(input: Tensor, lengths: Tensor?, output: Tensor, argmax: Tensor)
    throws
  {
    // Validate.
    let op = "maxPoolForward"
    try Validate.maxPoolForward(input: input, lengths: lengths, output: output, argmax: argmax)
    try checkKernelRange(input, op: op)

    // Bind arguments: sizes as rows (N * C), channels and length.
    let arguments: [KernelArgument] =
      [.buffer(try buffer(input))] + (try lengthArguments(lengths, placeholder: input)) + [
        .buffer(try buffer(output)), .buffer(try buffer(argmax)), .int(output.count),
        .int(input.shape[1]), .int(input.shape[2]),
      ]

    // Size the grid and enqueue.
    try launchPoolingForward("max_pool_forward", rows: output.count, arguments: arguments)
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
    let (rows, length) = (outputGradient.count, inputGradient.shape[2])
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(argmax)),
      .buffer(try buffer(inputGradient)), .int(rows), .int(length), mode.kernelFlag,
    ]

    // Size the grid and enqueue.
    try launchRowPositions("max_pool_backward", rows: rows, length: length, arguments: arguments)
  }

  public func meanPoolForward(input: Tensor, lengths: Tensor?, output: Tensor) throws {
    // Validate.
    let op = "meanPoolForward"
    try Validate.pooling(input: input, output: output, op: op)
    try Validate.sequenceLengths(lengths, batch: input.shape[0], op: op)
    try checkKernelRange(input, op: op)

    // Bind arguments: sizes as rows (N * C), channels and length.
    let arguments: [KernelArgument] =
      [.buffer(try buffer(input))] + (try lengthArguments(lengths, placeholder: input)) + [
        .buffer(try buffer(output)), .int(output.count), .int(input.shape[1]),
        .int(input.shape[2]),
      ]

    // Size the grid and enqueue.
    try launchPoolingForward("mean_pool_forward", rows: output.count, arguments: arguments)
  }

  public func meanPoolBackward(
    outputGradient: Tensor, lengths: Tensor?, inputGradient: Tensor, mode: GradientMode
  ) throws {
    // Validate.
    let op = "meanPoolBackward"
    try Validate.poolingBackward(
      outputGradient: outputGradient, inputGradient: inputGradient, op: op)
    try Validate.sequenceLengths(lengths, batch: inputGradient.shape[0], op: op)
    try checkKernelRange(inputGradient, op: op)

    // Bind arguments: sizes as rows (N * C), channels and length.
    let (rows, length) = (outputGradient.count, inputGradient.shape[2])
    let arguments: [KernelArgument] =
      [.buffer(try buffer(outputGradient))]
      + (try lengthArguments(lengths, placeholder: outputGradient)) + [
        .buffer(try buffer(inputGradient)), .int(rows), .int(inputGradient.shape[1]),
        .int(length), mode.kernelFlag,
      ]

    // Size the grid and enqueue.
    try launchRowPositions("mean_pool_backward", rows: rows, length: length, arguments: arguments)
  }

  public func sequenceMask(_ tensor: Tensor, lengths: Tensor) throws {
    // Validate.
    let op = "sequenceMask"
    try Validate.sequenceMask(tensor, lengths: lengths)
    try checkKernelRange(tensor, op: op)

    // Bind arguments: sizes as rows (N * C), channels and length.
    let (channels, length) = (tensor.shape[1], tensor.shape[2])
    let rows = tensor.shape[0] * channels
    let arguments: [KernelArgument] = [
      .buffer(try buffer(tensor)), .buffer(try buffer(lengths)), .int(rows), .int(channels),
      .int(length),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH positions of one row per work-item.
    try launchRowPositions(
      "sequence_mask", file: "sequence_mask.cl", rows: rows, length: length,
      arguments: arguments)
  }
}
