/// The conv1d and 1x1 projection ops, as adapters over `ReferenceOps`. A projection is a conv1d with K=1 and no
/// padding, so both share one set of functions.
extension ReferenceBackend {
  public func conv1dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry,
    activation: Activation
  ) throws {
    try convolve(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry,
      activation: activation, op: "conv1dForward")
  }

  public func conv1dBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry,
    mode: GradientMode
  ) throws {
    try convolveBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, mode: mode, op: "conv1dBackwardInput")
  }

  public func conv1dBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry: Conv1dGeometry, mode: GradientMode
  ) throws {
    try convolveBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, mode: mode, op: "conv1dBackwardWeight")
  }

  public func projectionForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, stride: Int,
    activation: Activation
  ) throws {
    let op = "projectionForward"
    let geometry = try Validate.projectionGeometry(
      input: input, weight: weight, stride: stride, op: op)
    try convolve(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry,
      activation: activation, op: op)
  }

  public func projectionBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, stride: Int,
    mode: GradientMode
  ) throws {
    let op = "projectionBackwardInput"
    let geometry = try Validate.projectionGeometry(
      input: inputGradient, weight: weight, stride: stride, op: op)
    try convolveBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, mode: mode, op: op)
  }

  public func projectionBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    stride: Int, mode: GradientMode
  ) throws {
    let op = "projectionBackwardWeight"
    let geometry = try Validate.projectionGeometry(
      input: input, weight: weightGradient, stride: stride, op: op)
    try convolveBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, mode: mode, op: op)
  }

  // MARK: Shared by conv1d and projection

  private func convolve(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry,
    activation: Activation, op: String
  ) throws {
    try Validate.conv1dForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry, op: op)
    let y = ReferenceOps.conv1dForward(
      input: try floats(input), weight: try floats(weight), bias: try bias.map(floats),
      geometry: geometry, activation: activation)
    try store(y, in: output)
  }

  private func convolveBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry,
    mode: GradientMode, op: String
  ) throws {
    try Validate.conv1dBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
      geometry: geometry, op: op)
    let dx = ReferenceOps.conv1dBackwardInput(
      outputGradient: try floats(outputGradient), weight: try floats(weight), geometry: geometry)
    try storeGradient(dx, in: inputGradient, mode: mode)
  }

  private func convolveBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry: Conv1dGeometry, mode: GradientMode, op: String
  ) throws {
    try Validate.conv1dBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient, geometry: geometry, op: op)
    let (dw, db) = ReferenceOps.conv1dBackwardWeight(
      outputGradient: try floats(outputGradient), input: try floats(input), geometry: geometry)
    try storeGradient(dw, in: weightGradient, mode: mode)
    if let biasGradient {
      try storeGradient(db, in: biasGradient, mode: mode)
    }
  }
}
