extension ParityTable {
  /// Loss shapes `[N, Y]`: batch 1 and 64, class counts 1, 2, 6 and 50.
  static func lossShapes(quick: Bool) -> [[Int]] {
    quick
      ? [[1, 2], [64, 50]]
      : [[1, 1], [1, 2], [64, 1], [64, 2], [3, 6], [64, 6], [64, 50]]
  }

  static func lossCases(quick: Bool) -> [ParityCase] {
    lossShapes(quick: quick).flatMap { shape in
      [softmaxCrossEntropyCase(shape, ties: false), softmaxCrossEntropyCase(shape, ties: true)]
    }
  }

  /// With `ties`, logits come from {-1, 0, 1}, so most rows hold their maximum more than once and
  /// the first-maximum rule decides the prediction.
  static func softmaxCrossEntropyCase(_ shape: [Int], ties: Bool) -> ParityCase {
    let label = shapeLabel("N Y", shape) + (ties ? " ties" : "")
    return ParityCase(op: "softmax_cross_entropy", pass: "forward", shape: label) { run in
      let (batch, classes) = (shape[0], shape[1])
      let logits =
        ties
        ? try run.pair(
          shape,
          values: (0..<batch * classes).map { _ in
            Float(Int.random(in: -1...1, using: &run.random))
          })
        : try run.input(shape, in: -4..<4)
      let labels = try run.randomIntegers([batch], in: 0..<Int32(classes))
      let losses = try run.output([batch])
      let predictions = try run.output([batch], .int32)
      let dlogits = try run.output(shape)
      let scale = 1 / Float(batch)
      func loss(_ backend: Backend, _ tensor: (ParityRun.Pair) -> Tensor) throws {
        try backend.softmaxCrossEntropy(
          logits: tensor(logits), labels: tensor(labels), losses: tensor(losses),
          predictions: tensor(predictions), logitsGradient: tensor(dlogits), gradientScale: scale)
      }
      try run.onBothBackends(loss)
      return [
        try run.compare(losses, "losses"), try run.compare(predictions, "predictions"),
        try run.compare(dlogits, "dlogits"),
        try run.bitwiseRepeat(dlogits, "dlogits") { try loss(run.device, \.device) },
      ]
    }
  }
}
