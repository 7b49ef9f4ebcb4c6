/// The highway gate, residual add, ReLU backward and dropout, as adapters over `ReferenceOps`.
extension ReferenceBackend {
  public func highwayGateForward(
    transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, output: Tensor
  ) throws {
    try Validate.highwayGateForward(
      transformInput: transformInput, hiddenInput: hiddenInput, carry: carry, output: output)
    let y = ReferenceOps.highwayGateForward(
      transformInput: try floats(transformInput), hiddenInput: try floats(hiddenInput),
      carry: try floats(carry))
    try store(y, in: output)
  }

  public func highwayGateBackward(
    outputGradient: Tensor, transformInput: Tensor, hiddenInput: Tensor, carry: Tensor,
    transformGradient: Tensor, hiddenGradient: Tensor, carryGradient: Tensor,
    mode: GradientMode
  ) throws {
    try Validate.highwayGateBackward(
      outputGradient: outputGradient, transformInput: transformInput, hiddenInput: hiddenInput,
      carry: carry, transformGradient: transformGradient, hiddenGradient: hiddenGradient,
      carryGradient: carryGradient)
    let gradients = ReferenceOps.highwayGateBackward(
      outputGradient: try floats(outputGradient), transformInput: try floats(transformInput),
      hiddenInput: try floats(hiddenInput), carry: try floats(carry))
    try storeGradient(gradients.dTransform, in: transformGradient, mode: mode)
    try storeGradient(gradients.dHidden, in: hiddenGradient, mode: mode)
    try storeGradient(gradients.dCarry, in: carryGradient, mode: mode)
  }

  public func residualAddForward(
    _ a: Tensor, _ b: Tensor, output: Tensor, activation: Activation
  ) throws {
    try Validate.residualAddForward(a, b, output: output)
    let y = ReferenceOps.residualAddForward(try floats(a), try floats(b), activation: activation)
    try store(y, in: output)
  }

  public func residualAddBackward(
    outputGradient: Tensor, output: Tensor, sumGradient: Tensor, activation: Activation,
    mode: GradientMode
  ) throws {
    try Validate.residualAddBackward(
      outputGradient: outputGradient, output: output, sumGradient: sumGradient)
    let dSum = ReferenceOps.residualAddBackward(
      outputGradient: try floats(outputGradient), output: try floats(output),
      activation: activation)
    try storeGradient(dSum, in: sumGradient, mode: mode)
  }

  public func reluBackward(output: Tensor, gradient: Tensor) throws {
    try Validate.reluBackward(output: output, gradient: gradient)
    let dx = ReferenceOps.reluBackward(output: try floats(output), gradient: try floats(gradient))
    try store(dx, in: gradient)
  }

  public func dropoutForward(
    input: Tensor, output: Tensor, probability: Float, seed: UInt32
  ) throws {
    try Validate.dropout(
      (input, "input"), (output, "output"), probability: probability, op: "dropoutForward")
    let y = ReferenceOps.dropoutForward(
      input: try floats(input), probability: probability, seed: seed)
    try store(y, in: output)
  }

  public func dropoutBackward(
    outputGradient: Tensor, inputGradient: Tensor, probability: Float, seed: UInt32,
    mode: GradientMode
  ) throws {
    try Validate.dropout(
      (outputGradient, "output gradient"), (inputGradient, "input gradient"),
      probability: probability, op: "dropoutBackward")
    let dx = ReferenceOps.dropoutBackward(
      outputGradient: try floats(outputGradient), probability: probability, seed: seed)
    try storeGradient(dx, in: inputGradient, mode: mode)
  }
}
