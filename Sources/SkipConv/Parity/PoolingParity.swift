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
      let label = shapeLabel("N C L", shape)
      cases.append(maxPoolForwardCase(shape, label, ties: false))
      cases.append(maxPoolForwardCase(shape, "\(label) ties", ties: true))
      cases.append(meanPoolForwardCase(shape, label))
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(maxPoolBackwardCase(shape, label, mode))
        cases.append(meanPoolBackwardCase(shape, label, mode))
      }
    }
    return cases
  }

  /// Pooling input: uniform values, or with `ties` values from {-1, 0, 1}, so that most rows
  /// hold their maximum more than once and the first-argmax rule decides.
  static func poolingInput(_ shape: [Int], ties: Bool, _ run: ParityRun) throws -> ParityRun.Pair {
    guard ties else { return try run.input(shape) }
    let values = (0..<shape.reduce(1, *)).map { _ in
      Float(Int.random(in: -1...1, using: &run.random))
    }
    return try run.pair(shape, values: values)
  }

  static func maxPoolForwardCase(_ shape: [Int], _ label: String, ties: Bool) -> ParityCase {
    ParityCase(op: "max_pool", pass: "forward", shape: label) { run in
      let x = try poolingInput(shape, ties: ties, run)
      let y = try run.output([shape[0], shape[1]])
      let argmax = try run.output([shape[0], shape[1]], .int32)
      try run.onBothBackends { backend, tensor in
        try backend.maxPoolForward(input: tensor(x), output: tensor(y), argmax: tensor(argmax))
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

  static func meanPoolForwardCase(_ shape: [Int], _ label: String) -> ParityCase {
    ParityCase(op: "mean_pool", pass: "forward", shape: label) { run in
      let x = try run.input(shape)
      let y = try run.output([shape[0], shape[1]])
      try run.onBothBackends { backend, tensor in
        try backend.meanPoolForward(input: tensor(x), output: tensor(y))
      }
      return [try run.compare(y, "y")]
    }
  }

  static func meanPoolBackwardCase(_ shape: [Int], _ label: String, _ mode: GradientMode)
    -> ParityCase
  {
    ParityCase(op: "mean_pool", pass: passLabel("backward", mode), shape: label) { run in
      let dy = try run.input([shape[0], shape[1]])
      let dx = try run.gradient(shape, mode: mode)
      try run.onBothBackends { backend, tensor in
        try backend.meanPoolBackward(
          outputGradient: tensor(dy), inputGradient: tensor(dx), mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dx, "dx")
      let repeated = try run.bitwiseRepeat(dx, "dx") {
        try run.device.meanPoolBackward(
          outputGradient: dy.device, inputGradient: dx.device, mode: .overwrite)
      }
      return [check, repeated]
    }
  }
}
