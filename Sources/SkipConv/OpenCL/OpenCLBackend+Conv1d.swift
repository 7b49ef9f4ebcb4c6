extension OpenCLBackend {
  public func conv1dForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry, activation: Activation) throws {
    throw ShapeError(op: "conv1dForward", "not implemented")
  }

  public func conv1dBackwardInput(outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry, mode: GradientMode) throws {
    throw ShapeError(op: "conv1dBackwardInput", "not implemented")
  }

  public func conv1dBackwardWeight(outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?, geometry: Conv1dGeometry, mode: GradientMode) throws {
    throw ShapeError(op: "conv1dBackwardWeight", "not implemented")
  }

  public func projectionForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, stride: Int, activation: Activation) throws {
    throw ShapeError(op: "projectionForward", "not implemented")
  }

  public func projectionBackwardInput(outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, stride: Int, mode: GradientMode) throws {
    throw ShapeError(op: "projectionBackwardInput", "not implemented")
  }

  public func projectionBackwardWeight(outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?, stride: Int, mode: GradientMode) throws {
    throw ShapeError(op: "projectionBackwardWeight", "not implemented")
  }
}
