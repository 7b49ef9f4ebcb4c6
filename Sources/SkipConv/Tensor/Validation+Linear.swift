/// Shape checks of the linear backward passes and the label check of softmax cross-entropy.
extension Validate {
  /// Checks linear backward shapes: dy `[N, O]`, w `[O, I]`, dx `[N, I]`.
  static func linearBackwardInput(outputGradient: Tensor, weight: Tensor, inputGradient: Tensor)
    throws
  {
    let op = "linearBackwardInput"
    guard weight.rank == 2, weight.elementType == .float32 else {
      throw ShapeError(op: op, "weight has shape \(weight.shape), expected [O, I] float32")
    }
    guard outputGradient.rank == 2 else {
      throw ShapeError(
        op: op, "output gradient has shape \(outputGradient.shape), expected [N, O]")
    }
    let batch = outputGradient.shape[0]
    try expectShape(outputGradient, [batch, weight.shape[0]], "output gradient", op: op)
    try expectShape(inputGradient, [batch, weight.shape[1]], "input gradient", op: op)
  }

  /// Checks linear backward shapes: dy `[N, O]`, x `[N, I]`, dw `[O, I]`, db `[O]`.
  static func linearBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?
  ) throws {
    let op = "linearBackwardWeight"
    guard outputGradient.rank == 2, input.rank == 2 else {
      throw ShapeError(
        op: op,
        "output gradient \(outputGradient.shape) and input \(input.shape) do not fit: "
          + "expected [N, O] and [N, I]")
    }
    let (batch, outputWidth) = (outputGradient.shape[0], outputGradient.shape[1])
    try expectShape(outputGradient, outputGradient.shape, "output gradient", op: op)
    try expectShape(input, [batch, input.shape[1]], "input", op: op)
    try expectShape(weightGradient, [outputWidth, input.shape[1]], "weight gradient", op: op)
    if let biasGradient {
      try expectShape(biasGradient, [outputWidth], "bias gradient", op: op)
    }
  }

  /// Checks that every label is a class in `[0, classes)`, naming the first one that is not.
  static func labels(_ labels: [Int32], classes: Int, op: String) throws {
    for (row, label) in labels.enumerated() where label < 0 || Int(label) >= classes {
      throw ShapeError(
        op: op,
        "label \(label) in row \(row) is outside the classes [0, \(classes)); check that the "
          + "model has an output for every class of the data set")
    }
  }
}
