extension ReferenceBackend {
  public func highwayGateForward(transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, output: Tensor) throws {
    throw ShapeError(op: "highwayGateForward", "not implemented")
  }

  public func highwayGateBackward(outputGradient: Tensor, transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, transformGradient: Tensor, hiddenGradient: Tensor, carryGradient: Tensor, mode: GradientMode) throws {
    throw ShapeError(op: "highwayGateBackward", "not implemented")
  }

  public func residualAddForward(_ a: Tensor, _ b: Tensor, output: Tensor, activation: Activation) throws {
    throw ShapeError(op: "residualAddForward", "not implemented")
  }

  public func residualAddBackward(outputGradient: Tensor, output: Tensor, sumGradient: Tensor, activation: Activation, mode: GradientMode) throws {
    throw ShapeError(op: "residualAddBackward", "not implemented")
  }

  public func reluBackward(output: Tensor, gradient: Tensor) throws {
    throw ShapeError(op: "reluBackward", "not implemented")
  }

  public func dropoutForward(input: Tensor, output: Tensor, probability: Float, seed: UInt32) throws {
    throw ShapeError(op: "dropoutForward", "not implemented")
  }

  public func dropoutBackward(outputGradient: Tensor, inputGradient: Tensor, probability: Float, seed: UInt32, mode: GradientMode) throws {
    throw ShapeError(op: "dropoutBackward", "not implemented")
  }
}
