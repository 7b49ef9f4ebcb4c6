/// conv1d and the 1x1 projection on OpenCL. Both run on the kernels of `Kernels/conv1d.cl`: the
/// blocked family on CPU devices and the tiled family on GPUs, as `KernelVariants` chooses. A
/// projection is a conv1d with K = 1 and no padding, with its own kernel config.
extension OpenCLBackend {
  public func conv1dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry,
    activation: Activation
  ) throws {
    try Validate.conv1dForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
    try convolve(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry,
      activation: activation, config: variants.conv1d)
  }

  public func conv1dBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry,
    mode: GradientMode
  ) throws {
    try Validate.conv1dBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry)
    try convolveBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, mode: mode, config: variants.conv1d)
  }

  public func conv1dBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry: Conv1dGeometry, mode: GradientMode
  ) throws {
    try Validate.conv1dBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry)
    try convolveBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, mode: mode, config: variants.conv1d)
  }

  public func projectionForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, stride: Int,
    activation: Activation
  ) throws {
    let op = "projectionForward"
    let geometry = try Validate.projectionGeometry(
      input: input, weight: weight, stride: stride, op: op)
    try Validate.conv1dForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry, op: op)
    try convolve(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry,
      activation: activation, config: variants.projection)
  }

  public func projectionBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, stride: Int,
    mode: GradientMode
  ) throws {
    let op = "projectionBackwardInput"
    let geometry = try Validate.projectionGeometry(
      input: inputGradient, weight: weight, stride: stride, op: op)
    try Validate.conv1dBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, op: op)
    try convolveBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, mode: mode, config: variants.projection)
  }

  public func projectionBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    stride: Int, mode: GradientMode
  ) throws {
    let op = "projectionBackwardWeight"
    let geometry = try Validate.projectionGeometry(
      input: input, weight: weightGradient, stride: stride, op: op)
    try Validate.conv1dBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, op: op)
    try convolveBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, mode: mode, config: variants.projection)
  }

  // MARK: Variant choice, shared by conv1d and projection

  private func convolve(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry,
    activation: Activation, config: Conv1dKernelConfig
  ) throws {
    // Check the kernel config before any build.
    try config.validate()
    let operands = Conv1dOperands(
      input: try buffer(input), weight: try buffer(weight), bias: try bias.map { try buffer($0) },
      output: try buffer(output))

    // Choose the variant of the configured kernel family.
    switch config.family {
    case .blocked:
      try blockedForward(
        BlockedConvolution(forward: geometry), operands, activation: activation,
        accumulate: false, config: config)
    case .tiled:
      try tiledForward(geometry, operands, activation: activation, config: config)
    }
  }

  private func convolveBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry,
    mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Check the kernel config before any build.
    try config.validate()
    let dy = try buffer(outputGradient)
    let w = try buffer(weight)
    let dx = try buffer(inputGradient)

    // Choose the variant of the configured kernel family.
    switch config.family {
    case .blocked where geometry.kernelSize == 1 && geometry.stride > 1:
      try blockedStridedProjectionBackwardInput(
        geometry, outputGradient: dy, weight: w, inputGradient: dx, mode: mode, config: config)
    case .blocked:
      // NOTE: at stride s > 1 this multiplies the zeros of dy upsampled by s, so it does s times
      // the necessary work; splitting dx into s phases, each a unit-stride convolution with every
      // s-th tap, would avoid that.
      let operands = Conv1dOperands(input: dy, weight: w, bias: nil, output: dx)
      try blockedForward(
        BlockedConvolution(backwardInput: geometry), operands, activation: .none,
        accumulate: mode == .accumulate, config: config)
    case .tiled:
      try tiledBackwardInput(
        geometry, outputGradient: dy, weight: w, inputGradient: dx, mode: mode, config: config)
    }
  }

  private func convolveBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry: Conv1dGeometry, mode: GradientMode, config: Conv1dKernelConfig
  ) throws {
    // Check the kernel config before any build.
    try config.validate()
    let dy = try buffer(outputGradient)
    let gradients = Conv1dWeightGradients(
      input: try buffer(input), outputGradient: dy, weightGradient: try buffer(weightGradient))

    // Choose the variant of the configured kernel family; db has one kernel for both.
    switch config.family {
    case .blocked: try blockedBackwardWeight(geometry, gradients, mode: mode, config: config)
    case .tiled: try tiledBackwardWeight(geometry, gradients, mode: mode, config: config)
    }
    if let biasGradient {
      try backwardBias(
        geometry, outputGradient: dy, biasGradient: try buffer(biasGradient), mode: mode,
        config: config)
    }
  }
}

/// The device buffers of one forward launch: x, w, optional b and y, or for the backward input
/// pass dy, w and dx.
struct Conv1dOperands {
  var input: DeviceBuffer
  var weight: DeviceBuffer
  var bias: DeviceBuffer?
  var output: DeviceBuffer
}

/// The device buffers of one dw launch.
struct Conv1dWeightGradients {
  var input: DeviceBuffer
  var outputGradient: DeviceBuffer
  var weightGradient: DeviceBuffer
}
