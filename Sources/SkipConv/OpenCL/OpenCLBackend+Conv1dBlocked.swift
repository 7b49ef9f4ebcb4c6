/// Launchers of the blocked conv1d kernels, the family for CPU devices.
extension OpenCLBackend {
  /// Runs conv1d_forward_blocked for `convolution`: y = act(b + w * x), or, for a backward input
  /// convolution, dx = (flipped w) * (padded dy).
  func blockedForward(
    _ convolution: BlockedConvolution, _ operands: Conv1dOperands, activation: Activation,
    accumulate: Bool, config: Conv1dKernelConfig
  ) throws {
    // Cut the input into one padded window per run of positions and pack the weights, so the
    // kernel reads two contiguous streams without bounds checks.
    let c = convolution
    let runWidth = 8 * config.blockVectors
    let tilesPerRow = ceilDivide(c.outputLength, runWidth)
    let layout = PaddedWindows(c, runs: tilesPerRow, runWidth: runWidth)
    let windows = try paddedCopy(
      operands.input, batch: c.batch, channels: c.inputChannels, length: c.inputLength, layout,
      config: config)
    let packed = try packedWeight(operands.weight, c, config: config)

    // Bind arguments; the packed weights stand in for an absent bias, which is never read.
    let arguments: [KernelArgument] = [
      .buffer(windows), .buffer(packed), .buffer(operands.bias ?? packed),
      .buffer(operands.output), .int(c.batch), .int(c.inputChannels), .int(c.outputChannels),
      .int(c.kernelSize), .int(c.dilation), .int(c.stride), .int(layout.phases),
      .int(layout.length), .int(c.outputLength), .int(tilesPerRow),
      .int(operands.bias == nil ? 0 : 1), .int(activation == .relu ? 1 : 0),
      .int(accumulate ? 1 : 0),
    ]

    // Size the grid: one work-item per run of positions and block of output channels, grouped
    // along the channel blocks so that a group shares one run of input in cache.
    let globalSize = [c.batch * tilesPerRow, ceilDivide(c.outputChannels, config.blockChannels)]

    // Enqueue.
    try context.launch(
      "conv1d_forward_blocked", file: "conv1d.cl", options: config.buildOptions,
      globalSize: globalSize, localSize: [1, config.blockGroupSize], arguments: arguments)
  }

  /// Runs conv1d_backward_weight_blocked into per-chunk partial sums, then sums the chunks into
  /// dw; a single chunk in overwrite mode writes dw directly.
  func blockedBackwardWeight(
    _ geometry: Conv1dGeometry, _ gradients: Conv1dWeightGradients, mode: GradientMode,
    config: Conv1dKernelConfig
  ) throws {
    // Lay out the input rows so that every run of 8 output positions reads in bounds.
    let g = geometry
    let layout = PaddedWindows(
      BlockedConvolution(forward: g), runs: 1, runWidth: 0,
      coveredPositions: roundUp(g.outputLength, to: 8))
    let inPlace = layout.fitsInPlace(rowLength: g.inputLength)
    let rows =
      inPlace
      ? gradients.input
      : try paddedCopy(
        gradients.input, batch: g.batch, channels: g.inputChannels, length: g.inputLength,
        layout, config: config)
    let chunkBatch = max(1, config.weightChunkPositions / g.outputLength)
    let chunks = ceilDivide(g.batch, chunkBatch)
    let count = g.weightShape.reduce(1, *)
    let direct = chunks == 1 && mode == .overwrite
    let partials =
      direct
      ? gradients.weightGradient : try context.makeBuffer(.float32, count: chunks * count)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(rows), .buffer(gradients.outputGradient), .buffer(partials), .int(g.batch),
      .int(g.inputChannels), .int(g.outputChannels), .int(g.kernelSize), .int(g.dilation),
      .int(g.stride), .int(layout.phases), .int(inPlace ? g.inputLength : layout.length),
      .int(g.outputLength), .int(chunkBatch),
    ]

    // Size the grid: one work-item per block of taps, block of output channels and chunk.
    let globalSize = [
      ceilDivide(g.inputChannels * g.kernelSize, config.weightBlockTaps),
      ceilDivide(g.outputChannels, config.weightBlockChannels), chunks,
    ]

    // Enqueue, then reduce the chunks unless the kernel wrote dw itself.
    try context.launch(
      "conv1d_backward_weight_blocked", file: "conv1d.cl", options: config.buildOptions,
      globalSize: globalSize, localSize: [config.blockGroupSize, 1, 1], arguments: arguments)
    if !direct {
      try reducePartials(
        partials, into: gradients.weightGradient, count: count, chunks: chunks, mode: mode,
        config: config)
    }
  }

  /// Computes the compact dx [N, Cin, Lout] of a strided 1x1 projection, then scatters it to every
  /// stride-th position of dx, which avoids multiplying the zeros of an upsampled dy.
  func blockedStridedProjectionBackwardInput(
    _ geometry: Conv1dGeometry, outputGradient: DeviceBuffer, weight: DeviceBuffer,
    inputGradient: DeviceBuffer, mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Multiply by the transposed weights into a compact buffer.
    let g = geometry
    let compact = try context.makeBuffer(
      .float32, count: g.batch * g.inputChannels * g.outputLength)
    let operands = Conv1dOperands(input: outputGradient, weight: weight, bias: nil, output: compact)
    try blockedForward(
      BlockedConvolution(compactBackwardInput: g), operands, activation: .none, accumulate: false,
      config: config)

    // Bind arguments of the scatter.
    let arguments: [KernelArgument] = [
      .buffer(compact), .buffer(inputGradient), .int(g.batch * g.inputChannels),
      .int(g.inputLength), .int(g.outputLength), .int(g.stride), .int(mode == .accumulate ? 1 : 0),
    ]

    // Size the grid: one work-item per element of dx.
    let globalSize = [g.inputLength, g.batch * g.inputChannels]

    // Enqueue.
    try context.launch(
      "projection_scatter_input_gradient", file: "projection.cl", globalSize: globalSize,
      arguments: arguments)
  }

  // MARK: Layout helpers

  /// Runs conv1d_pad_input: the padded windows of `layout` cut from `source` [N, C, L].
  private func paddedCopy(
    _ source: DeviceBuffer, batch: Int, channels: Int, length: Int, _ layout: PaddedWindows,
    config: Conv1dKernelConfig
  ) throws -> DeviceBuffer {
    let w = layout
    let windows = batch * w.runs * channels * w.phases
    let padded = try context.makeBuffer(.float32, count: windows * w.length)
    let arguments: [KernelArgument] = [
      .buffer(source), .buffer(padded), .int(batch), .int(channels), .int(length), .int(w.runs),
      .int(w.runWidth), .int(w.length), .int(w.phases), .int(w.stride), .int(w.offset),
      .int(w.upsample),
    ]
    try context.launch(
      "conv1d_pad_input", file: "conv1d.cl", options: config.buildOptions,
      globalSize: [ceilDivide(w.length, 8), windows], arguments: arguments)
    return padded
  }

  /// Packs w [Cout, Cin, K] as [blocks][K][rows][blockChannels] for conv1d_forward_blocked,
  /// reversed and transposed for a backward input convolution.
  private func packedWeight(
    _ weight: DeviceBuffer, _ convolution: BlockedConvolution, config: Conv1dKernelConfig
  ) throws -> DeviceBuffer {
    let c = convolution
    let blocks = ceilDivide(c.outputChannels, config.blockChannels)
    let packed = try context.makeBuffer(
      .float32, count: blocks * c.kernelSize * c.inputChannels * config.blockChannels)
    // The weight tensor's own channel counts: a backward input convolution swaps them.
    let (outputChannels, inputChannels) =
      c.flipsWeight ? (c.inputChannels, c.outputChannels) : (c.outputChannels, c.inputChannels)
    let arguments: [KernelArgument] = [
      .buffer(weight), .buffer(packed), .int(outputChannels), .int(inputChannels),
      .int(c.kernelSize), .int(blocks), .int(c.flipsWeight ? 1 : 0),
    ]
    try context.launch(
      "conv1d_pack_weight", file: "conv1d.cl", options: config.buildOptions,
      globalSize: [c.inputChannels, blocks], arguments: arguments)
    return packed
  }
}

func ceilDivide(_ value: Int, _ divisor: Int) -> Int {
  (value + divisor - 1) / divisor
}

func roundUp(_ value: Int, to multiple: Int) -> Int {
  ceilDivide(value, multiple) * multiple
}
