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

  /// Checks that every token id is in `[0, vocabulary)`, naming the first one that is not.
  static func tokenIDs(_ tokens: [Int32], length: Int, vocabulary: Int, op: String) throws {
    for (position, token) in tokens.enumerated() where token < 0 || Int(token) >= vocabulary {
      let (row, column) = length > 0 ? (position / length, position % length) : (0, position)
      throw ShapeError(
        op: op,
        "token id \(token) at row \(row), column \(column) is outside the vocabulary "
          + "[0, \(vocabulary)); check that the table has a row for every id of the tokenizer")
    }
  }

  /// Checks dy `[N, E, L]` and dtable `[V, E]` against the batch and length of `index`, and that
  /// every id in `index` is a non-padding row of dtable.
  static func embeddingBackward(
    index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor
  ) throws {
    let op = "embeddingBackward"
    guard tableGradient.rank == 2, tableGradient.elementType == .float32 else {
      throw ShapeError(
        op: op,
        "table gradient has shape \(tableGradient.shape) \(tableGradient.elementType), "
          + "expected [V, E] float32")
    }
    let (vocabulary, width) = (tableGradient.shape[0], tableGradient.shape[1])
    try expectShape(
      outputGradient, [index.batch, width, index.length], "output gradient", op: op)
    guard index.hostOffsets.count == index.hostUniqueTokens.count + 1,
      Int(index.hostOffsets.last ?? 0) == index.hostPositions.count
    else {
      throw ShapeError(
        op: op,
        "gradient index has \(index.hostUniqueTokens.count) ids, "
          + "\(index.hostOffsets.count) offsets and \(index.hostPositions.count) positions; "
          + "build it with makeEmbeddingGradientIndex")
    }
    for token in index.hostUniqueTokens where token < 1 || Int(token) >= vocabulary {
      throw ShapeError(
        op: op,
        "token id \(token) in the gradient index is outside the table gradient rows "
          + "[1, \(vocabulary))")
    }
  }

  /// Checks max pooling shapes: x `[N, C, L]` with `L >= 1`, y `[N, C]`, argmax `[N, C]` int32.
  static func maxPoolForward(input: Tensor, output: Tensor, argmax: Tensor) throws {
    let op = "maxPoolForward"
    try pooling(input: input, output: output, op: op)
    try expectShape(argmax, output.shape, "argmax", op: op, type: .int32)
  }

  /// Checks pooling backward shapes: dx `[N, C, L]` with `L >= 1`, dy `[N, C]`.
  static func poolingBackward(outputGradient: Tensor, inputGradient: Tensor, op: String) throws {
    guard inputGradient.rank == 3, inputGradient.shape[2] >= 1,
      inputGradient.elementType == .float32
    else {
      throw ShapeError(
        op: op,
        "input gradient has shape \(inputGradient.shape) \(inputGradient.elementType), "
          + "expected [N, C, L] float32 with L >= 1")
    }
    let pooledShape = Array(inputGradient.shape.prefix(2))
    try expectShape(outputGradient, pooledShape, "output gradient", op: op)
  }

  /// Checks that every argmax value is a position in `[0, length)`, naming the first one that is
  /// not.
  static func argmaxPositions(_ argmax: [Int32], length: Int, op: String) throws {
    for (row, position) in argmax.enumerated() where position < 0 || Int(position) >= length {
      throw ShapeError(
        op: op,
        "argmax \(position) in row \(row) is outside the pooled length [0, \(length)); "
          + "pass the argmax that maxPoolForward wrote")
    }
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
        op: op, "output gradient \(outputGradient.shape) and input \(input.shape) do not fit: "
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

  /// Checks that every gradient is float32 and `result` is `[1]`.
  static func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws {
    let op = "gradientNormSquared"
    for (position, gradient) in gradients.enumerated() {
      try expectShape(gradient, gradient.shape, "gradient \(position)", op: op)
    }
    try expectShape(result, [1], "result", op: op)
  }

  /// Checks that an Adam step counts from 1.
  static func adamStep(_ step: Int, op: String) throws {
    guard step >= 1 else {
      throw ShapeError(op: op, "Adam step must count from 1, got \(step)")
    }
  }
}
