extension OpenCLBackend {
  public func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws {
    throw ShapeError(op: "gradientNormSquared", "not implemented")
  }

  public func clippingScale(normSquared: Tensor, maxNorm: Float, scale: Tensor) throws {
    throw ShapeError(op: "clippingScale", "not implemented")
  }

  public func adamUpdate(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor, hyperparameters: AdamHyperparameters, gradientScale: Tensor?) throws {
    throw ShapeError(op: "adamUpdate", "not implemented")
  }

  public func sgdUpdate(parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float, momentum: Float, weightDecay: Float, gradientScale: Tensor?) throws {
    throw ShapeError(op: "sgdUpdate", "not implemented")
  }
}
