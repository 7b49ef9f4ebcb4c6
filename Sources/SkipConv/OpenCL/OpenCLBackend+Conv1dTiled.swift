/// Launchers of the tiled conv1d kernels, the family for GPUs, and of the reductions that both
/// families share.
extension OpenCLBackend {
  /// Runs conv1d_forward_tiled: y = act(b + w * x).
  func tiledForward(
    _ geometry: Conv1dGeometry, _ operands: Conv1dOperands, activation: Activation,
    config: Conv1dKernelConfig
  ) throws {
    // Bind arguments; the weights stand in for an absent bias, which is never read.
    let g = geometry
    let arguments: [KernelArgument] = [
      .buffer(operands.input), .buffer(operands.weight), .buffer(operands.bias ?? operands.weight),
      .buffer(operands.output), .int(g.batch), .int(g.inputChannels), .int(g.outputChannels),
      .int(g.inputLength), .int(g.outputLength), .int(g.kernelSize), .int(g.stride),
      .int(g.dilation), .int(g.padLeft), .int(operands.bias == nil ? 0 : 1),
      .int(activation == .relu ? 1 : 0), .int(0),
    ]

    // Size the grid: one work-group per tile of output channels x (n, t) columns.
    let group = config.tiledGroupSize
    let globalSize = [
      ceilDivide(g.batch * g.outputLength, config.tileN) * group[0],
      ceilDivide(g.outputChannels, config.tileM) * group[1],
    ]

    // Enqueue.
    try context.launch(
      "conv1d_forward_tiled", file: "conv1d.cl", options: config.buildOptions,
      globalSize: globalSize, localSize: group, arguments: arguments)
  }

  /// Runs conv1d_backward_input_tiled, which gathers dy for any stride, dilation and padding.
  func tiledBackwardInput(
    _ geometry: Conv1dGeometry, outputGradient: DeviceBuffer, weight: DeviceBuffer,
    inputGradient: DeviceBuffer, mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Bind arguments.
    let g = geometry
    let arguments: [KernelArgument] = [
      .buffer(outputGradient), .buffer(weight), .buffer(inputGradient), .int(g.batch),
      .int(g.inputChannels), .int(g.outputChannels), .int(g.inputLength), .int(g.outputLength),
      .int(g.kernelSize), .int(g.stride), .int(g.dilation), .int(g.padLeft),
      .int(mode == .accumulate ? 1 : 0),
    ]

    // Size the grid: one work-group per tile of input channels x (n, l) columns.
    let group = config.tiledGroupSize
    let globalSize = [
      ceilDivide(g.batch * g.inputLength, config.tileN) * group[0],
      ceilDivide(g.inputChannels, config.tileM) * group[1],
    ]

    // Enqueue.
    try context.launch(
      "conv1d_backward_input_tiled", file: "conv1d.cl", options: config.buildOptions,
      globalSize: globalSize, localSize: group, arguments: arguments)
  }

  /// Runs conv1d_backward_weight_tiled into partial sums over chunks of (n, t) positions, then
  /// sums the chunks into dw. A single chunk in overwrite mode writes dw directly.
  func tiledBackwardWeight(
    _ geometry: Conv1dGeometry, _ gradients: Conv1dWeightGradients, mode: GradientMode,
    config: Conv1dKernelConfig
  ) throws {
    // Split the (n, t) reduction into chunks.
    let g = geometry
    let chunkLength = config.weightChunkPositions
    let chunks = ceilDivide(g.batch * g.outputLength, chunkLength)
    let count = g.weightShape.reduce(1, *)
    let direct = chunks == 1 && mode == .overwrite
    let partials =
      direct
      ? gradients.weightGradient : try context.makeBuffer(.float32, count: chunks * count)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(gradients.input), .buffer(gradients.outputGradient), .buffer(partials),
      .int(g.batch), .int(g.inputChannels), .int(g.outputChannels), .int(g.inputLength),
      .int(g.outputLength), .int(g.kernelSize), .int(g.stride), .int(g.dilation),
      .int(g.padLeft), .int(chunkLength),
    ]

    // Size the grid: one work-group per tile of output channels x (c, k) taps and chunk.
    let group = config.tiledGroupSize
    let globalSize = [
      ceilDivide(g.inputChannels * g.kernelSize, config.tileN) * group[0],
      ceilDivide(g.outputChannels, config.tileM) * group[1], chunks,
    ]

    // Enqueue, then reduce the chunks unless the kernel wrote dw itself.
    try context.launch(
      "conv1d_backward_weight_tiled", file: "conv1d.cl", options: config.buildOptions,
      globalSize: globalSize, localSize: group + [1], arguments: arguments)
    if !direct {
      try reducePartials(
        partials, into: gradients.weightGradient, count: count, chunks: chunks, mode: mode,
        config: config)
    }
  }

  // MARK: Shared by both families

  /// Sums `chunks` partial dw arrays of `count` values in chunk order into `weightGradient`.
  func reducePartials(
    _ partials: DeviceBuffer, into weightGradient: DeviceBuffer, count: Int, chunks: Int,
    mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(partials), .buffer(weightGradient), .int(count), .int(chunks),
      .int(mode == .accumulate ? 1 : 0),
    ]

    // Enqueue one work-item per 8 dw elements.
    try context.launch(
      "conv1d_reduce_partials", file: "conv1d.cl", options: config.buildOptions,
      globalSize: [ceilDivide(count, 8)], arguments: arguments)
  }

  /// Runs conv1d_backward_bias: db[o] = sum over n and t of dy[n,o,t].
  func backwardBias(
    _ geometry: Conv1dGeometry, outputGradient: DeviceBuffer, biasGradient: DeviceBuffer,
    mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Bind arguments.
    let g = geometry
    let arguments: [KernelArgument] = [
      .buffer(outputGradient), .buffer(biasGradient), .int(g.batch), .int(g.outputChannels),
      .int(g.outputLength), .int(mode == .accumulate ? 1 : 0),
    ]

    // Enqueue one work-item per output channel.
    // NOTE: one work-item sums a whole channel, which leaves most of a GPU idle; db is a small
    // share of a backward pass, so a work-group tree reduction can wait for a GPU to time it on.
    try context.launch(
      "conv1d_backward_bias", file: "conv1d.cl", options: config.buildOptions,
      globalSize: [g.outputChannels], arguments: arguments)
  }
}
