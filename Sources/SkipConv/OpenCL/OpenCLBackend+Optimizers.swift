import Foundation

extension OpenCLBackend {
  /// Work-groups per tensor of `gradientNormSquared`. A fixed count keeps the order of the sum
  /// the same from run to run. 64 groups of up to 256 work-items spread a large tensor over
  /// many GPU compute units, and each tensor leaves only 64 partial sums for the final serial
  /// pass.
  static let gradientNormGroups = 64

  public func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws {
    // Validate.
    let op = "gradientNormSquared"
    try Validate.gradientNormSquared(gradients, result: result)
    for gradient in gradients {
      try checkKernelRange(gradient, op: op)
    }

    // Choose the variant, the work-group size and the partial sums buffer, one slot per group
    // per tensor. Releasing the buffer on return is safe: OpenCL keeps a memory object alive
    // until the commands queued on it have finished.
    let file = "gradient_norm.cl"
    let partialName = "gradient_norm_squared_partial"
    let groups = Self.gradientNormGroups
    let options = BuildOptions(["CONTIGUOUS_CHUNKS": variants.deviceClass == .cpu ? 1 : 0])
    let local = try workGroupSize(partialName, file: file, options: options, preferred: 256)
    let partials = try context.makeBuffer(.float32, count: max(gradients.count * groups, 1))

    // Enqueue one fixed-shape partial reduction per tensor.
    for (position, gradient) in gradients.enumerated() {
      try context.launch(
        partialName, file: file, options: options, globalSize: [groups * local],
        localSize: [local],
        arguments: [
          .buffer(try buffer(gradient)), .int(gradient.count), .buffer(partials),
          .int(position * groups), .local(local * MemoryLayout<Float>.size),
        ])
    }

    // Enqueue the in-order sum of all partials.
    try context.launch(
      "gradient_norm_squared_total", file: file, options: options, globalSize: [1],
      arguments: [.buffer(partials), .int(gradients.count * groups), .buffer(try buffer(result))])
  }

  public func clippingScale(normSquared: Tensor, maxNorm: Float, scale: Tensor) throws {
    // Validate.
    try Validate.clippingScale(normSquared: normSquared, maxNorm: maxNorm, scale: scale)

    // Bind arguments and enqueue one work-item.
    try context.launch(
      "clipping_scale", file: "gradient_norm.cl", globalSize: [1],
      arguments: [
        .buffer(try buffer(normSquared)), .float32(maxNorm), .buffer(try buffer(scale)),
      ])
  }

  public func adamUpdate(
    parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
    hyperparameters h: AdamHyperparameters, gradientScale: Tensor?
  ) throws {
    // Validate.
    let op = "adamUpdate"
    try Validate.optimizerState(
      [
        (parameter, "parameter"), (gradient, "gradient"), (firstMoment, "first moment"),
        (secondMoment, "second moment"),
      ], scale: gradientScale, op: op)
    try Validate.adamHyperparameters(h)

    // Compute the bias corrections in double precision, as PyTorch does on the host.
    let step = Double(h.step)
    let stepSize = Double(h.learningRate) / (1 - pow(Double(h.beta1), step))
    let biasCorrection2Root = (1 - pow(Double(h.beta2), step)).squareRoot()

    // Bind arguments. Without a gradient scale the kernel reads none, so the gradient buffer
    // fills that argument.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(parameter)), .buffer(try buffer(gradient)),
      .buffer(try buffer(firstMoment)), .buffer(try buffer(secondMoment)),
      .buffer(try buffer(gradientScale ?? gradient)), .int32(gradientScale == nil ? 0 : 1),
      try kernelCount(parameter, op: op), .float32(h.learningRate), .float32(h.beta1),
      .float32(h.beta2), .float32(h.epsilon), .float32(h.weightDecay),
      .int32(h.decoupledWeightDecay ? 1 : 0), .float32(Float(stepSize)),
      .float32(Float(biasCorrection2Root)),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "adam_update", file: "optimizers.cl", count: parameter.count, arguments: arguments)
  }

  public func sgdUpdate(
    parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float, momentum: Float,
    weightDecay: Float, gradientScale: Tensor?
  ) throws {
    // Validate.
    let op = "sgdUpdate"
    try Validate.optimizerState(
      [(parameter, "parameter"), (gradient, "gradient"), (velocity, "velocity")],
      scale: gradientScale, op: op)
    try Validate.sgdHyperparameters(
      learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)

    // Bind arguments. Without a gradient scale the kernel reads none, so the gradient buffer
    // fills that argument.
    let arguments: [KernelArgument] = [
      .buffer(try buffer(parameter)), .buffer(try buffer(gradient)), .buffer(try buffer(velocity)),
      .buffer(try buffer(gradientScale ?? gradient)), .int32(gradientScale == nil ? 0 : 1),
      try kernelCount(parameter, op: op), .float32(learningRate), .float32(momentum),
      .float32(weightDecay),
    ]

    // Size the grid and enqueue, VECTOR_WIDTH elements per work-item.
    try launchElementwise(
      "sgd_update", file: "optimizers.cl", count: parameter.count, arguments: arguments)
  }
}
