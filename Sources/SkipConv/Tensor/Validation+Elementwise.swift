/// Shape checks of the highway gate, residual add, ReLU backward, dropout and the sequence mask.
extension Validate {
  static func highwayGateForward(
    transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, output: Tensor
  ) throws {
    try sameShape(
      [
        (transformInput, "transform input"), (hiddenInput, "hidden input"), (carry, "carry"),
        (output, "output"),
      ], op: "highwayGateForward")
  }

  static func highwayGateBackward(
    outputGradient: Tensor, transformInput: Tensor, hiddenInput: Tensor, carry: Tensor,
    transformGradient: Tensor, hiddenGradient: Tensor, carryGradient: Tensor
  ) throws {
    try sameShape(
      [
        (outputGradient, "output gradient"), (transformInput, "transform input"),
        (hiddenInput, "hidden input"), (carry, "carry"),
        (transformGradient, "transform gradient"), (hiddenGradient, "hidden gradient"),
        (carryGradient, "carry gradient"),
      ], op: "highwayGateBackward")
  }

  static func residualAddForward(_ a: Tensor, _ b: Tensor, output: Tensor) throws {
    try sameShape([(a, "input a"), (b, "input b"), (output, "output")], op: "residualAddForward")
  }

  static func residualAddBackward(outputGradient: Tensor, output: Tensor, sumGradient: Tensor)
    throws
  {
    try sameShape(
      [(outputGradient, "output gradient"), (output, "output"), (sumGradient, "sum gradient")],
      op: "residualAddBackward")
  }

  static func reluBackward(output: Tensor, gradient: Tensor) throws {
    try sameShape([(output, "output"), (gradient, "gradient")], op: "reluBackward")
  }

  /// Checks sequence mask shapes: x `[N, C, L]` float32 and lengths `[N]` int32.
  static func sequenceMask(_ tensor: Tensor, lengths: Tensor) throws {
    let op = "sequenceMask"
    guard tensor.rank == 3, tensor.elementType == .float32 else {
      throw ShapeError(
        op: op,
        "tensor has shape \(tensor.shape) \(tensor.elementType), expected [N, C, L] float32")
    }
    try sequenceLengths(lengths, batch: tensor.shape[0], op: op)
  }

  /// Checks that the two tensors of a dropout pass match and that `probability` is in [0, 1).
  static func dropout(
    _ source: (Tensor, String), _ destination: (Tensor, String), probability: Float, op: String
  ) throws {
    try sameShape([source, destination], op: op)
    guard probability >= 0, probability < 1 else {
      throw ShapeError(
        op: op, "dropout probability must be in [0, 1), got \(probability)")
    }
  }
}
