extension OpenCLBackend {
  public func linearForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
    throw ShapeError(op: "linearForward", "not implemented")
  }

  public func linearBackwardInput(outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, mode: GradientMode) throws {
    throw ShapeError(op: "linearBackwardInput", "not implemented")
  }

  public func linearBackwardWeight(outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?, mode: GradientMode) throws {
    throw ShapeError(op: "linearBackwardWeight", "not implemented")
  }

  public func softmaxCrossEntropy(logits: Tensor, labels: Tensor, losses: Tensor, predictions: Tensor, logitsGradient: Tensor, gradientScale: Float) throws {
    throw ShapeError(op: "softmaxCrossEntropy", "not implemented")
  }
}
