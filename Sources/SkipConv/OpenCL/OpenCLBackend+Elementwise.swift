extension OpenCLBackend {
  public func highwayGateForward(
    transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, output: Tensor
  ) throws {
    // Validate.
    let op = "highwayGateForward"
    try Validate.highwayGateForward(
      transformInput: transformInput, hiddenInput: hiddenInput, carry: carry, output: output)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(transformInput)), .buffer(try buffer(hiddenInput)),
      .buffer(try buffer(carry)), .buffer(try buffer(output)), try kernelCount(output, op: op),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "highway_gate_forward", file: "highway_gate.cl", count: output.count, arguments: arguments)
  }

  public func highwayGateBackward(
    outputGradient: Tensor, transformInput: Tensor, hiddenInput: Tensor, carry: Tensor,
    transformGradient: Tensor, hiddenGradient: Tensor, carryGradient: Tensor, mode: GradientMode
  ) throws {
    // Validate.
    let op = "highwayGateBackward"
    try Validate.highwayGateBackward(
      outputGradient: outputGradient, transformInput: transformInput, hiddenInput: hiddenInput,
      carry: carry, transformGradient: transformGradient, hiddenGradient: hiddenGradient,
      carryGradient: carryGradient)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(transformInput)),
      .buffer(try buffer(hiddenInput)), .buffer(try buffer(carry)),
      .buffer(try buffer(transformGradient)), .buffer(try buffer(hiddenGradient)),
      .buffer(try buffer(carryGradient)), try kernelCount(carry, op: op), mode.kernelFlag,
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "highway_gate_backward", file: "highway_gate.cl", count: carry.count, arguments: arguments)
  }

  public func residualAddForward(_ a: Tensor, _ b: Tensor, output: Tensor, activation: Activation)
    throws
  {
    // Validate.
    let op = "residualAddForward"
    try Validate.residualAddForward(a, b, output: output)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(a)), .buffer(try buffer(b)), .buffer(try buffer(output)),
      try kernelCount(output, op: op), .int32(activation == .relu ? 1 : 0),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "residual_add_forward", file: "residual_add.cl", count: output.count, arguments: arguments)
  }

  public func residualAddBackward(
    outputGradient: Tensor, output: Tensor, sumGradient: Tensor, activation: Activation,
    mode: GradientMode
  ) throws {
    // Validate.
    let op = "residualAddBackward"
    try Validate.residualAddBackward(
      outputGradient: outputGradient, output: output, sumGradient: sumGradient)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(output)),
      .buffer(try buffer(sumGradient)), try kernelCount(output, op: op),
      .int32(activation == .relu ? 1 : 0), mode.kernelFlag,
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "residual_add_backward", file: "residual_add.cl", count: output.count, arguments: arguments)
  }

  public func reluBackward(output: Tensor, gradient: Tensor) throws {
    // Validate.
    let op = "reluBackward"
    try Validate.reluBackward(output: output, gradient: gradient)

    // Bind arguments.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(output)), .buffer(try buffer(gradient)), try kernelCount(output, op: op),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "relu_backward", file: "relu.cl", count: output.count, arguments: arguments)
  }

  public func dropoutForward(input: Tensor, output: Tensor, probability: Float, seed: UInt32)
    throws
  {
    // Validate.
    let op = "dropoutForward"
    try Validate.dropout((input, "input"), (output, "output"), probability: probability, op: op)

    // Bind arguments: the kernel rebuilds `dropoutKeeps` from the seed hash and the threshold.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(input)), .buffer(try buffer(output)), try kernelCount(output, op: op),
      .float32(probability), .uint32(lowbias32(seed)), .uint32(dropoutThreshold(probability)),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "dropout_forward", file: "dropout.cl", count: output.count, arguments: arguments)
  }

  public func dropoutBackward(
    outputGradient: Tensor, inputGradient: Tensor, probability: Float, seed: UInt32,
    mode: GradientMode
  ) throws {
    // Validate.
    let op = "dropoutBackward"
    try Validate.dropout(
      (outputGradient, "output gradient"), (inputGradient, "input gradient"),
      probability: probability, op: op)

    // Bind arguments: the kernel rebuilds `dropoutKeeps` from the seed hash and the threshold.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(outputGradient)), .buffer(try buffer(inputGradient)),
      try kernelCount(inputGradient, op: op), .float32(probability), .uint32(lowbias32(seed)),
      .uint32(dropoutThreshold(probability)), mode.kernelFlag,
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "dropout_backward", file: "dropout.cl", count: inputGradient.count, arguments: arguments)
  }
}
