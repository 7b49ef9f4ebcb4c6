extension ParityTable {
  /// An embedding shape: batch N, length L, vocabulary V, width E.
  struct EmbeddingShape: Sendable {
    var batch: Int
    var length: Int
    var vocabulary: Int
    var width: Int

    var label: String { shapeLabel("N L V E", [batch, length, vocabulary, width]) }
  }

  /// Vocabulary 1 makes every token padding, and small vocabularies repeat tokens many times.
  static func embeddingShapes(quick: Bool) -> [EmbeddingShape] {
    quick
      ? [
        EmbeddingShape(batch: 3, length: 7, vocabulary: 5, width: 17),
        EmbeddingShape(batch: 64, length: 128, vocabulary: 1000, width: 256),
      ]
      : [
        EmbeddingShape(batch: 1, length: 1, vocabulary: 2, width: 1),
        EmbeddingShape(batch: 1, length: 9, vocabulary: 1, width: 3),
        EmbeddingShape(batch: 3, length: 7, vocabulary: 5, width: 17),
        EmbeddingShape(batch: 64, length: 1, vocabulary: 50, width: 3),
        EmbeddingShape(batch: 2, length: 33, vocabulary: 20_000, width: 256),
        EmbeddingShape(batch: 64, length: 128, vocabulary: 1000, width: 256),
      ]
  }

  static func embeddingCases(quick: Bool) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in embeddingShapes(quick: quick) {
      cases.append(embeddingForwardCase(shape))
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(embeddingBackwardCase(shape, mode))
      }
    }
    return cases
  }

  /// Token ids in `[0, V)`, a quarter of them padding (id 0).
  static func randomTokens(_ shape: EmbeddingShape, _ run: ParityRun) -> [Int32] {
    (0..<shape.batch * shape.length).map { _ in
      run.random.nextFloat() < 0.25
        ? 0 : Int32.random(in: 0..<Int32(shape.vocabulary), using: &run.random)
    }
  }

  static func embeddingForwardCase(_ shape: EmbeddingShape) -> ParityCase {
    ParityCase(op: "embedding", pass: "forward", shape: shape.label) { run in
      let tokens = try run.integers(
        [shape.batch, shape.length], values: randomTokens(shape, run))
      let table = try run.input([shape.vocabulary, shape.width])
      let y = try run.output([shape.batch, shape.width, shape.length])
      try run.onBothBackends { backend, tensor in
        try backend.embeddingForward(
          tokens: tensor(tokens), table: tensor(table), output: tensor(y))
      }
      return [try run.compare(y, "y")]
    }
  }

  static func embeddingBackwardCase(_ shape: EmbeddingShape, _ mode: GradientMode) -> ParityCase {
    ParityCase(op: "embedding", pass: passLabel("backward", mode), shape: shape.label) { run in
      let tokens = randomTokens(shape, run)
      let dy = try run.input([shape.batch, shape.width, shape.length])
      let dtable = try run.gradient([shape.vocabulary, shape.width], mode: mode)
      let referenceIndex = try run.reference.makeEmbeddingGradientIndex(
        tokens: tokens, batch: shape.batch, length: shape.length)
      let deviceIndex = try run.device.makeEmbeddingGradientIndex(
        tokens: tokens, batch: shape.batch, length: shape.length)
      try run.reference.embeddingBackward(
        index: referenceIndex, outputGradient: dy.reference, tableGradient: dtable.reference,
        mode: mode)
      try run.device.embeddingBackward(
        index: deviceIndex, outputGradient: dy.device, tableGradient: dtable.device, mode: mode)
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dtable, "dtable")
      let repeated = try run.bitwiseRepeat(dtable, "dtable") {
        try run.device.embeddingBackward(
          index: deviceIndex, outputGradient: dy.device, tableGradient: dtable.device,
          mode: .overwrite)
      }
      return [check, repeated]
    }
  }
}
