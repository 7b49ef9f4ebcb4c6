/// Checks of gradient clipping and of optimizer hyperparameters.
extension Validate {
  /// Checks that every gradient is float32 and that `result` is a float32 `[1]`.
  static func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws {
    let op = "gradientNormSquared"
    for (index, gradient) in gradients.enumerated() where gradient.elementType != .float32 {
      throw ShapeError(
        op: op, "gradient \(index) has element type \(gradient.elementType), expected float32")
    }
    try expectShape(result, [1], "result", op: op)
  }

  static func clippingScale(normSquared: Tensor, maxNorm: Float, scale: Tensor) throws {
    let op = "clippingScale"
    try expectShape(normSquared, [1], "norm squared", op: op)
    try expectShape(scale, [1], "scale", op: op)
    guard maxNorm > 0 else {
      throw ShapeError(op: op, "max norm must be positive, got \(maxNorm)")
    }
  }

  /// Checks the ranges that `torch.optim.Adam` accepts, and that `step` counts from 1 so that the
  /// bias corrections `1 - beta^step` are not zero.
  static func adamHyperparameters(_ h: AdamHyperparameters) throws {
    let op = "adamUpdate"
    let checks: [(Bool, String)] = [
      (h.step >= 1, "step must be at least 1, got \(h.step)"),
      (h.learningRate >= 0, "learning rate must not be negative, got \(h.learningRate)"),
      (h.beta1 >= 0 && h.beta1 < 1, "beta1 must be in [0, 1), got \(h.beta1)"),
      (h.beta2 >= 0 && h.beta2 < 1, "beta2 must be in [0, 1), got \(h.beta2)"),
      (h.epsilon >= 0, "epsilon must not be negative, got \(h.epsilon)"),
      (h.weightDecay >= 0, "weight decay must not be negative, got \(h.weightDecay)"),
    ]
    for (valid, message) in checks where !valid {
      throw ShapeError(op: op, message)
    }
  }

  /// Checks the ranges that `torch.optim.SGD` accepts.
  static func sgdHyperparameters(learningRate: Float, momentum: Float, weightDecay: Float) throws {
    let op = "sgdUpdate"
    let checks: [(Bool, String)] = [
      (learningRate >= 0, "learning rate must not be negative, got \(learningRate)"),
      (momentum >= 0, "momentum must not be negative, got \(momentum)"),
      (weightDecay >= 0, "weight decay must not be negative, got \(weightDecay)"),
    ]
    for (valid, message) in checks where !valid {
      throw ShapeError(op: op, message)
    }
  }
}
