extension OpenCLBackend {
  /// The output block of one work-item of the linear kernels. On CPU devices 4 x 4 uses each
  /// loaded value four times. On GPUs 2 x 2 gives four times as many work-items, because a
  /// classifier head of [64, 256] by [50, 256] would otherwise fill only a few hundred.
  var linearBlock: (rows: Int, columns: Int) {
    variants.deviceClass == .cpu ? (4, 4) : (2, 2)
  }

  var linearOptions: BuildOptions {
    BuildOptions(["BLOCK_ROWS": linearBlock.rows, "BLOCK_COLUMNS": linearBlock.columns])
  }

  /// Returns the 2-D global size that covers a `rows x columns` output, one block per work-item.
  func linearGrid(rows: Int, columns: Int) -> [Int] {
    let block = linearBlock
    return [(columns + block.columns - 1) / block.columns, (rows + block.rows - 1) / block.rows]
  }

  public func linearForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
    // Validate.
    let op = "linearForward"
    try Validate.linear(input: input, weight: weight, bias: bias, output: output, op: op)
    try checkKernelRange(input, weight, output, op: op)

    // Bind arguments: sizes as N, I, O. An absent bias binds the weight, which is not read.
    let (batch, inFeatures, outFeatures) = (input.shape[0], input.shape[1], weight.shape[0])
    let arguments: [KernelArgument] = [
      .buffer(try buffer(input)), .buffer(try buffer(weight)),
      .buffer(try buffer(bias ?? weight)), .buffer(try buffer(output)), .int(batch),
      .int(inFeatures), .int(outFeatures), .int32(bias == nil ? 0 : 1),
    ]

    // Size the grid and enqueue, one block of y per work-item.
    try launchGrid(
      "linear_forward", file: "linear.cl", options: linearOptions,
      globalSize: linearGrid(rows: batch, columns: outFeatures), arguments: arguments)
  }

  public func linearBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, mode: GradientMode
  ) throws {
    // Validate.
    let op = "linearBackwardInput"
    try Validate.linearBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
    try checkKernelRange(inputGradient, weight, outputGradient, op: op)

    // Bind arguments: sizes as N, I, O.
    let (batch, inFeatures, outFeatures) = (
      inputGradient.shape[0], weight.shape[1], weight.shape[0]
    )
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(weight)),
      .buffer(try buffer(inputGradient)), .int(batch), .int(inFeatures), .int(outFeatures),
      mode.kernelFlag,
    ]

    // Size the grid and enqueue, one block of dx per work-item.
    try launchGrid(
      "linear_backward_input", file: "linear.cl", options: linearOptions,
      globalSize: linearGrid(rows: batch, columns: inFeatures), arguments: arguments)
  }

  public func linearBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    mode: GradientMode
  ) throws {
    // Validate.
    let op = "linearBackwardWeight"
    try Validate.linearBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient)
    try checkKernelRange(input, weightGradient, outputGradient, op: op)

    // Bind arguments: sizes as N, I, O.
    let (batch, inFeatures, outFeatures) = (input.shape[0], input.shape[1], weightGradient.shape[0])
    let sizes: [KernelArgument] = [.int(batch), .int(inFeatures), .int(outFeatures)]
    let weightArguments: [KernelArgument] =
      [
        .buffer(try buffer(outputGradient)), .buffer(try buffer(input)),
        .buffer(try buffer(weightGradient)),
      ] + sizes + [mode.kernelFlag]

    // Size the grid and enqueue dw, one block per work-item.
    try launchGrid(
      "linear_backward_weight", file: "linear.cl", options: linearOptions,
      globalSize: linearGrid(rows: outFeatures, columns: inFeatures), arguments: weightArguments)

    // Enqueue db, one work-item per output feature.
    guard let biasGradient else { return }
    try launchFlat(
      "linear_backward_bias", file: "linear.cl", options: linearOptions, count: outFeatures,
      arguments: [
        .buffer(try buffer(outputGradient)), .buffer(try buffer(biasGradient)), .int(batch),
        .int(outFeatures), mode.kernelFlag,
      ])
  }

  // MARK: Loss

  public func softmaxCrossEntropy(
    logits: Tensor, labels: Tensor, losses: Tensor, predictions: Tensor, logitsGradient: Tensor,
    gradientScale: Float
  ) throws {
    // Validate.
    let op = "softmaxCrossEntropy"
    try Validate.softmaxCrossEntropy(
      logits: logits, labels: labels, losses: losses, predictions: predictions,
      logitsGradient: logitsGradient)
    try checkKernelRange(logits, op: op)

    // Bind arguments: sizes as N and Y.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(logits)), .buffer(try buffer(labels)), .buffer(try buffer(losses)),
      .buffer(try buffer(predictions)), .buffer(try buffer(logitsGradient)),
      .int(logits.shape[0]), .int(logits.shape[1]), .float32(gradientScale),
    ]

    // Size the grid and enqueue, one work-item per row.
    try launchFlat(
      "softmax_cross_entropy", file: "softmax_cross_entropy.cl", count: logits.shape[0],
      arguments: arguments)
  }
}
