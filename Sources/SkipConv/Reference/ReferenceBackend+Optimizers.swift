/// Gradient clipping and the optimizer steps, as adapters over `ReferenceOps`.
extension ReferenceBackend {
  public func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws {
    try Validate.gradientNormSquared(gradients, result: result)
    let sum = ReferenceOps.gradientNormSquared(try gradients.map(floats))
    try store([Float(sum)], in: result)
  }

  public func clippingScale(normSquared: Tensor, maxNorm: Float, scale: Tensor) throws {
    try Validate.clippingScale(normSquared: normSquared, maxNorm: maxNorm, scale: scale)
    let factor = ReferenceOps.clippingScale(
      normSquared: Double(try floats(normSquared)[0]), maxNorm: Double(maxNorm))
    try store([Float(factor)], in: scale)
  }

  public func adamUpdate(
    parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
    hyperparameters: AdamHyperparameters, gradientScale: Tensor?
  ) throws {
    try Validate.optimizerState(
      [
        (parameter, "parameter"), (gradient, "gradient"), (firstMoment, "first moment"),
        (secondMoment, "second moment"),
      ], scale: gradientScale, op: "adamUpdate")
    try Validate.adamHyperparameters(hyperparameters)
    let updated = ReferenceOps.adamUpdate(
      parameter: try floats(parameter), gradient: try floats(gradient),
      firstMoment: try floats(firstMoment), secondMoment: try floats(secondMoment),
      hyperparameters: hyperparameters, gradientScale: try scaleValue(gradientScale))
    try store(updated.parameter, in: parameter)
    try store(updated.firstMoment, in: firstMoment)
    try store(updated.secondMoment, in: secondMoment)
  }

  public func sgdUpdate(
    parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float, momentum: Float,
    weightDecay: Float, gradientScale: Tensor?
  ) throws {
    try Validate.optimizerState(
      [(parameter, "parameter"), (gradient, "gradient"), (velocity, "velocity")],
      scale: gradientScale, op: "sgdUpdate")
    try Validate.sgdHyperparameters(
      learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    let updated = ReferenceOps.sgdUpdate(
      parameter: try floats(parameter), gradient: try floats(gradient),
      velocity: try floats(velocity), learningRate: Double(learningRate),
      momentum: Double(momentum), weightDecay: Double(weightDecay),
      gradientScale: try scaleValue(gradientScale))
    try store(updated.parameter, in: parameter)
    try store(updated.velocity, in: velocity)
  }

  /// Reads the value of a `[1]` gradient scale tensor, or returns 1 when there is none.
  private func scaleValue(_ gradientScale: Tensor?) throws -> Double {
    guard let gradientScale else { return 1 }
    return Double(try floats(gradientScale)[0])
  }
}
