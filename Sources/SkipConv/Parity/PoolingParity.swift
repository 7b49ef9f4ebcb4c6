extension ParityTable {
  /// Pooling input shapes `[N, C, L]`: length 1, channel counts 1, 3, 17 and 256, batch 1 and 64.
  static func poolingShapes(quick: Bool) -> [[Int]] {
    quick
      ? [[2, 3, 5], [64, 256, 128]]
      : [[1, 1, 1], [2, 3, 5], [64, 17, 1], [1, 256, 37], [64, 256, 128]]
  }

  static func poolingCases(quick: Bool) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in poolingShapes(quick: quick) {
      for withLengths in [false, true] {
        let label = shapeLabel("N C L", shape) + (withLengths ? " lengths" : "")
        cases.append(maxPoolForwardCase(shape, label, ties: false, withLengths: withLengths))
        cases.append(
          maxPoolForwardCase(shape, "\(label) ties", ties: true, withLengths: withLengths))
        cases.append(meanPoolForwardCase(shape, label, withLengths: withLengths))
        for mode in [GradientMode.overwrite, .accumulate] {
          cases.append(meanPoolBackwardCase(shape, label, mode, withLengths: withLengths))
        }
      }
      let label = shapeLabel("N C L", shape)
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(maxPoolBackwardCase(shape, label, mode))
      }
    }
    return cases
  }

  /// Returns per-example lengths `[N]` for rows of length `length`. Starting at a random kind,
  /// the rows take in turn 1, `length`, a value in between, 0 and a value past `length`. The ops
  /// clamp the last two to 1 and `length`.
  static func sequenceLengths(batch: Int, length: Int, _ run: ParityRun) -> [Int32] {
    let start = Int.random(in: 0..<5, using: &run.random)
    return (0..<batch).map { n in
      switch (n + start) % 5 {
      case 0: return 1
      case 1: return Int32(length)
      case 2: return Int32.random(in: 1...Int32(length), using: &run.random)
      case 3: return 0
      default: return Int32(length) + Int32.random(in: 1...3, using: &run.random)
      }
    }
  }

  /// Sets every element of x `[N, C, L]` past the valid length of its row to NaN, so that an op
  /// that reads the padding fails the check.
  static func poisonPadding(_ values: [Float], shape: [Int], lengths: [Int32]) -> [Float] {
    let length = shape[2]
    let valid = ReferenceOps.validLengths(lengths, rows: shape[0] * shape[1], length: length)
    var poisoned = values
    for (row, count) in valid.enumerated() {
      for t in count..<length {
        poisoned[row * length + t] = .nan
      }
    }
    return poisoned
  }

  /// Pooling input: uniform values, or with `ties` values from {-1, 0, 1}, so that most rows
  /// hold their maximum more than once and the first-argmax rule decides. With `lengths`, the
  /// padding of each row is NaN.
  static func poolingInput(_ shape: [Int], ties: Bool, lengths: [Int32]?, _ run: ParityRun)
    throws -> ParityRun.Pair
  {
    let count = shape.reduce(1, *)
    var values: [Float]
    if ties {
      values = (0..<count).map { _ in Float(Int.random(in: -1...1, using: &run.random)) }
    } else {
      values = run.random.uniform(count)
    }
    if let lengths {
      values = poisonPadding(values, shape: shape, lengths: lengths)
    }
    return try run.pair(shape, values: values)
  }

  /// Random lengths for `shape` as host values and a pair, or nil for both without lengths.
  static func lengthsPair(_ shape: [Int], withLengths: Bool, _ run: ParityRun) throws
    -> ([Int32]?, ParityRun.Pair?)
  {
    guard withLengths else { return (nil, nil) }
    let lengths = sequenceLengths(batch: shape[0], length: shape[2], run)
    return (lengths, try run.integers([shape[0]], values: lengths))
  }

  static func maxPoolForwardCase(
    _ shape: [Int], _ label: String, ties: Bool, withLengths: Bool
  ) -> ParityCase {
    ParityCase(op: "max_pool", pass: "forward", shape: label) { run in
      let (hostLengths, lengths) = try lengthsPair(shape, withLengths: withLengths, run)
      let x = try poolingInput(shape, ties: ties, lengths: hostLengths, run)
      let y = try run.output([shape[0], shape[1]])
      let argmax = try run.output([shape[0], shape[1]], .int32)
      try run.onBothBackends { backend, tensor in
        try backend.maxPoolForward(
          input: tensor(x), lengths: lengths.map(tensor), output: tensor(y),
          argmax: tensor(argmax))
      }
      return [try run.compare(y, "y"), try run.compare(argmax, "argmax")]
    }
  }

  static func maxPoolBackwardCase(_ shape: [Int], _ label: String, _ mode: GradientMode)
    -> ParityCase
  {
    ParityCase(op: "max_pool", pass: passLabel("backward", mode), shape: label) { run in
      let rows = shape[0] * shape[1]
      let positions = (0..<rows).map { _ in
        Int32.random(in: 0..<Int32(shape[2]), using: &run.random)
      }
      let argmax = try run.integers([shape[0], shape[1]], values: positions)
      let dy = try run.input([shape[0], shape[1]])
      let dx = try run.gradient(shape, mode: mode)
      try run.onBothBackends { backend, tensor in
        try backend.maxPoolBackward(
          outputGradient: tensor(dy), argmax: tensor(argmax), inputGradient: tensor(dx), mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dx, "dx")
      let repeated = try run.bitwiseRepeat(dx, "dx") {
        try run.device.maxPoolBackward(
          outputGradient: dy.device, argmax: argmax.device, inputGradient: dx.device,
          mode: .overwrite)
      }
      return [check, repeated]
    }
  }

  static func meanPoolForwardCase(_ shape: [Int], _ label: String, withLengths: Bool)
    -> ParityCase
  {
    ParityCase(op: "mean_pool", pass: "forward", shape: label) { run in
      let (hostLengths, lengths) = try lengthsPair(shape, withLengths: withLengths, run)
      let x = try poolingInput(shape, ties: false, lengths: hostLengths, run)
      let y = try run.output([shape[0], shape[1]])
      try run.onBothBackends { backend, tensor in
        try backend.meanPoolForward(
          input: tensor(x), lengths: lengths.map(tensor), output: tensor(y))
      }
      return [try run.compare(y, "y")]
    }
  }

  static func meanPoolBackwardCase(
    _ shape: [Int], _ label: String, _ mode: GradientMode, withLengths: Bool
  ) -> ParityCase {
    ParityCase(op: "mean_pool", pass: passLabel("backward", mode), shape: label) { run in
      let (_, lengths) = try lengthsPair(shape, withLengths: withLengths, run)
      let dy = try run.input([shape[0], shape[1]])
      let dx = try run.gradient(shape, mode: mode)
      try run.onBothBackends { backend, tensor in
        try backend.meanPoolBackward(
          outputGradient: tensor(dy), lengths: lengths.map(tensor), inputGradient: tensor(dx),
          mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dx, "dx")
      let repeated = try run.bitwiseRepeat(dx, "dx") {
        try run.device.meanPoolBackward(
          outputGradient: dy.device, lengths: lengths?.device, inputGradient: dx.device,
          mode: .overwrite)
      }
      return [check, repeated]
    }
  }
}
