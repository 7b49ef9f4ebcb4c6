/// The linear layer and softmax cross-entropy, as adapters over `ReferenceOps`.
extension ReferenceBackend {
  public func linearForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
    try Validate.linear(
      input: input, weight: weight, bias: bias, output: output, op: "linearForward")
    let y = ReferenceOps.linearForward(
      input: try floats(input), weight: try floats(weight), bias: try bias.map(floats),
      inputWidth: weight.shape[1], outputWidth: weight.shape[0])
    try store(y, in: output)
  }

  public func linearBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, mode: GradientMode
  ) throws {
    try Validate.linearBackwardInput(
      outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
    let dx = ReferenceOps.linearBackwardInput(
      outputGradient: try floats(outputGradient), weight: try floats(weight),
      inputWidth: weight.shape[1], outputWidth: weight.shape[0])
    try storeGradient(dx, in: inputGradient, mode: mode)
  }

  public func linearBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    mode: GradientMode
  ) throws {
    try Validate.linearBackwardWeight(
      outputGradient: outputGradient, input: input, weightGradient: weightGradient,
      biasGradient: biasGradient)
    let (dw, db) = ReferenceOps.linearBackwardWeight(
      outputGradient: try floats(outputGradient), input: try floats(input),
      inputWidth: weightGradient.shape[1], outputWidth: weightGradient.shape[0])
    try storeGradient(dw, in: weightGradient, mode: mode)
    if let biasGradient {
      try storeGradient(db, in: biasGradient, mode: mode)
    }
  }

  /// Writes losses, predictions and dlogits. It overwrites `logitsGradient` and never accumulates.
  public func softmaxCrossEntropy(
    logits: Tensor, labels: Tensor, losses: Tensor, predictions: Tensor, logitsGradient: Tensor,
    gradientScale: Float
  ) throws {
    let op = "softmaxCrossEntropy"
    try Validate.softmaxCrossEntropy(
      logits: logits, labels: labels, losses: losses, predictions: predictions,
      logitsGradient: logitsGradient)
    let classes = logits.shape[1]
    let labelValues = try ints(labels)
    try Validate.labels(labelValues, classes: classes, op: op)
    let result = ReferenceOps.softmaxCrossEntropy(
      logits: try floats(logits), labels: labelValues, classes: classes,
      gradientScale: Double(gradientScale))
    try store(result.losses, in: losses)
    try store(result.predictions, in: predictions)
    try store(result.dlogits, in: logitsGradient)
  }
}
