/// Shape checks shared by both backends, so that a bad call fails the same way on either one.
enum Validate {
  static func conv1dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry g: Conv1dGeometry,
    op: String = "conv1dForward"
  ) throws {
    try expectShape(input, g.inputShape, "input", op: op)
    try expectShape(weight, g.weightShape, "weight", op: op)
    if let bias {
      try expectShape(bias, [g.outputChannels], "bias", op: op)
    }
    try expectShape(output, g.outputShape, "output", op: op)
  }

  static func conv1dBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry g: Conv1dGeometry,
    op: String = "conv1dBackwardInput"
  ) throws {
    try expectShape(outputGradient, g.outputShape, "output gradient", op: op)
    try expectShape(weight, g.weightShape, "weight", op: op)
    try expectShape(inputGradient, g.inputShape, "input gradient", op: op)
  }

  static func conv1dBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry g: Conv1dGeometry, op: String = "conv1dBackwardWeight"
  ) throws {
    try expectShape(outputGradient, g.outputShape, "output gradient", op: op)
    try expectShape(input, g.inputShape, "input", op: op)
    try expectShape(weightGradient, g.weightShape, "weight gradient", op: op)
    if let biasGradient {
      try expectShape(biasGradient, [g.outputChannels], "bias gradient", op: op)
    }
  }

  /// The conv1d geometry of a projection of `input [N, Cin, L]` by `weight [Cout, Cin, 1]`.
  static func projectionGeometry(input: Tensor, weight: Tensor, stride: Int, op: String) throws
    -> Conv1dGeometry
  {
    guard input.rank == 3 else {
      throw ShapeError(op: op, "input has shape \(input.shape), expected [N, Cin, L]")
    }
    guard weight.rank == 3, weight.shape[2] == 1, weight.shape[1] == input.shape[1] else {
      throw ShapeError(
        op: op, "weight has shape \(weight.shape), expected [Cout, \(input.shape[1]), 1]")
    }
    return try Conv1dGeometry(
      batch: input.shape[0], inputChannels: input.shape[1], outputChannels: weight.shape[0],
      inputLength: input.shape[2], kernelSize: 1, stride: stride)
  }

  /// Checks that every tensor has the shape of the first and is float32.
  static func sameShape(_ tensors: [(Tensor, String)], op: String) throws {
    guard let first = tensors.first?.0 else { return }
    for (tensor, name) in tensors {
      try expectShape(tensor, first.shape, name, op: op)
    }
  }

  static func embedding(tokens: Tensor, table: Tensor, output: Tensor) throws {
    let op = "embeddingForward"
    guard tokens.rank == 2, tokens.elementType == .int32 else {
      throw ShapeError(op: op, "tokens have shape \(tokens.shape) \(tokens.elementType), "
        + "expected [N, L] int32")
    }
    guard table.rank == 2, table.elementType == .float32 else {
      throw ShapeError(op: op, "table has shape \(table.shape), expected [V, E] float32")
    }
    try expectShape(output, [tokens.shape[0], table.shape[1], tokens.shape[1]], "output", op: op)
  }

  /// Checks pooling shapes: x `[N, C, L]` with `L >= 1`, y `[N, C]`.
  static func pooling(input: Tensor, output: Tensor, op: String) throws {
    guard input.rank == 3, input.shape[2] >= 1, input.elementType == .float32 else {
      throw ShapeError(op: op, "input has shape \(input.shape), expected [N, C, L] with L >= 1")
    }
    try expectShape(output, [input.shape[0], input.shape[1]], "output", op: op)
  }

  /// Checks linear shapes: x `[N, I]`, w `[O, I]`, b `[O]`, y `[N, O]`.
  static func linear(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, op: String)
    throws
  {
    guard input.rank == 2, weight.rank == 2, weight.shape[1] == input.shape[1] else {
      throw ShapeError(
        op: op, "input \(input.shape) and weight \(weight.shape) do not fit: expected [N, I] "
          + "and [O, I]")
    }
    try expectShape(input, input.shape, "input", op: op)
    try expectShape(weight, weight.shape, "weight", op: op)
    if let bias {
      try expectShape(bias, [weight.shape[0]], "bias", op: op)
    }
    try expectShape(output, [input.shape[0], weight.shape[0]], "output", op: op)
  }

  static func softmaxCrossEntropy(
    logits: Tensor, labels: Tensor, losses: Tensor, predictions: Tensor, logitsGradient: Tensor
  ) throws {
    let op = "softmaxCrossEntropy"
    guard logits.rank == 2, logits.shape[1] >= 1 else {
      throw ShapeError(op: op, "logits have shape \(logits.shape), expected [N, Y]")
    }
    let batch = logits.shape[0]
    try expectShape(logits, logits.shape, "logits", op: op)
    try expectShape(labels, [batch], "labels", op: op, type: .int32)
    try expectShape(losses, [batch], "losses", op: op)
    try expectShape(predictions, [batch], "predictions", op: op, type: .int32)
    try expectShape(logitsGradient, logits.shape, "logits gradient", op: op)
  }

  static func optimizerState(_ tensors: [(Tensor, String)], scale: Tensor?, op: String) throws {
    try sameShape(tensors, op: op)
    if let scale {
      try expectShape(scale, [1], "gradient scale", op: op)
    }
  }
}

extension Validate {
  /// Checks that `tokens` form a `[batch, length]` batch of ids that are not negative, as the
  /// reference backend does when it builds the same index.
  static func embeddingIndex(tokens: [Int32], batch: Int, length: Int) throws {
    let op = "makeEmbeddingGradientIndex"
    guard batch >= 0, length >= 0, tokens.count == batch * length else {
      throw ShapeError(
        op: op, "\(tokens.count) tokens given for batch \(batch) and length \(length)")
    }
    if let position = tokens.firstIndex(where: { $0 < 0 }) {
      throw ShapeError(
        op: op,
        "token id \(tokens[position]) at position \(position) is negative; ids must be in [0, V)")
    }
  }
}
