extension ParityTable {
  /// Activation shapes `[N, C, L]` for the elementwise ops: a single element, counts that are not
  /// a multiple of any vector width, channel counts 1, 3, 17 and 256, batch 1 and 64.
  static func elementwiseShapes(quick: Bool) -> [[Int]] {
    quick
      ? [[1, 3, 5], [64, 256, 33]]
      : [[1, 1, 1], [1, 3, 5], [2, 17, 9], [1, 256, 128], [64, 1, 7], [64, 256, 33]]
  }

  static func elementwiseCases(quick: Bool) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in elementwiseShapes(quick: quick) {
      let label = shapeLabel("N C L", shape)
      cases.append(highwayGateForwardCase(shape, label))
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(highwayGateBackwardCase(shape, label, mode))
      }
      for activation in [Activation.none, .relu] {
        let activated = "\(label) act=\(activation.rawValue)"
        cases.append(residualAddForwardCase(shape, activated, activation))
        for mode in [GradientMode.overwrite, .accumulate] {
          cases.append(residualAddBackwardCase(shape, activated, activation, mode))
        }
      }
      cases.append(reluBackwardCase(shape, label))
      cases.append(sequenceMaskCase(shape, label))
      for probability: Float in quick ? [0.5] : [0, 0.1, 0.5, 0.9] {
        let dropped = "\(label) p=\(probability)"
        cases.append(dropoutForwardCase(shape, dropped, probability))
        for mode in [GradientMode.overwrite, .accumulate] {
          cases.append(dropoutBackwardCase(shape, dropped, probability, mode))
        }
      }
    }
    return cases
  }

  /// Uniform values in [-1, 1) with about one in eight set to exactly 0, where ReLU's derivative
  /// is decided by `> 0`.
  static func inputWithZeros(_ shape: [Int], _ run: ParityRun) throws -> ParityRun.Pair {
    let values = run.random.uniform(shape.reduce(1, *)).map { abs($0) < 0.125 ? 0 : $0 }
    return try run.pair(shape, values: values)
  }

  static func highwayGateForwardCase(_ shape: [Int], _ label: String) -> ParityCase {
    ParityCase(op: "highway_gate", pass: "forward", shape: label) { run in
      let transform = try run.input(shape, in: -4..<4)
      let hidden = try inputWithZeros(shape, run)
      let carry = try run.input(shape)
      let y = try run.output(shape)
      try run.onBothBackends { backend, tensor in
        try backend.highwayGateForward(
          transformInput: tensor(transform), hiddenInput: tensor(hidden), carry: tensor(carry),
          output: tensor(y))
      }
      return [try run.compare(y, "y")]
    }
  }

  static func highwayGateBackwardCase(_ shape: [Int], _ label: String, _ mode: GradientMode)
    -> ParityCase
  {
    ParityCase(op: "highway_gate", pass: passLabel("backward", mode), shape: label) { run in
      let dy = try run.input(shape)
      let transform = try run.input(shape, in: -4..<4)
      let hidden = try inputWithZeros(shape, run)
      let carry = try run.input(shape)
      let gradients = try (0..<3).map { _ in try run.gradient(shape, mode: mode) }
      func backward(_ backend: Backend, _ tensor: (ParityRun.Pair) -> Tensor, _ mode: GradientMode)
        throws
      {
        try backend.highwayGateBackward(
          outputGradient: tensor(dy), transformInput: tensor(transform),
          hiddenInput: tensor(hidden), carry: tensor(carry),
          transformGradient: tensor(gradients[0]),
          hiddenGradient: tensor(gradients[1]), carryGradient: tensor(gradients[2]), mode: mode)
      }
      try run.onBothBackends { try backward($0, $1, mode) }
      // Compare before the repeat checks, which overwrite the device gradients.
      let names = ["daT", "daH", "dx"]
      var checks = try zip(gradients, names).map { try run.compare($0, $1) }
      for (gradient, name) in zip(gradients, names) {
        checks.append(
          try run.bitwiseRepeat(gradient, name) { try backward(run.device, \.device, .overwrite) })
      }
      return checks
    }
  }

  static func residualAddForwardCase(_ shape: [Int], _ label: String, _ activation: Activation)
    -> ParityCase
  {
    ParityCase(op: "residual_add", pass: "forward", shape: label) { run in
      let a = try run.input(shape)
      let b = try run.input(shape)
      let y = try run.output(shape)
      try run.onBothBackends { backend, tensor in
        try backend.residualAddForward(
          tensor(a), tensor(b), output: tensor(y), activation: activation)
      }
      return [try run.compare(y, "y")]
    }
  }

  static func residualAddBackwardCase(
    _ shape: [Int], _ label: String, _ activation: Activation, _ mode: GradientMode
  ) -> ParityCase {
    ParityCase(op: "residual_add", pass: passLabel("backward", mode), shape: label) { run in
      let dy = try run.input(shape)
      // y as a ReLU output: about half the elements are exactly 0.
      let y = try run.pair(shape, values: run.random.uniform(shape.reduce(1, *)).map { max($0, 0) })
      let sumGradient = try run.gradient(shape, mode: mode)
      try run.onBothBackends { backend, tensor in
        try backend.residualAddBackward(
          outputGradient: tensor(dy), output: tensor(y), sumGradient: tensor(sumGradient),
          activation: activation, mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(sumGradient, "d(a+b)")
      let repeated = try run.bitwiseRepeat(sumGradient, "d(a+b)") {
        try run.device.residualAddBackward(
          outputGradient: dy.device, output: y.device, sumGradient: sumGradient.device,
          activation: activation, mode: .overwrite)
      }
      return [check, repeated]
    }
  }

  static func reluBackwardCase(_ shape: [Int], _ label: String) -> ParityCase {
    ParityCase(op: "relu", pass: "backward", shape: label) { run in
      let y = try run.pair(shape, values: run.random.uniform(shape.reduce(1, *)).map { max($0, 0) })
      let gradient = try run.input(shape)
      try run.onBothBackends { backend, tensor in
        try backend.reluBackward(output: tensor(y), gradient: tensor(gradient))
      }
      return [try run.compare(gradient, "dx")]
    }
  }

  /// The mask of lengths from `sequenceLengths` (1, L, in between, and 0 and past L, which
  /// clamp), on input whose padding is NaN, so that each padding element must be written.
  static func sequenceMaskCase(_ shape: [Int], _ label: String) -> ParityCase {
    ParityCase(op: "sequence_mask", pass: "forward", shape: label) { run in
      let hostLengths = sequenceLengths(batch: shape[0], length: shape[2], run)
      let lengths = try run.integers([shape[0]], values: hostLengths)
      let values = run.random.uniform(shape.reduce(1, *), in: 0.25..<1.25)
      let x = try run.pair(
        shape, values: poisonPadding(values, shape: shape, lengths: hostLengths))
      try run.onBothBackends { backend, tensor in
        try backend.sequenceMask(tensor(x), lengths: tensor(lengths))
      }
      return [try run.compare(x, "y"), try run.compareZeros(x, "mask")]
    }
  }

  static func dropoutForwardCase(_ shape: [Int], _ label: String, _ probability: Float)
    -> ParityCase
  {
    ParityCase(op: "dropout", pass: "forward", shape: label) { run in
      // Inputs away from 0, so that a zero in the output marks a dropped element.
      let x = try run.input(shape, in: 0.25..<1.25)
      let y = try run.output(shape)
      let seed = UInt32(truncatingIfNeeded: run.random.next())
      try run.onBothBackends { backend, tensor in
        try backend.dropoutForward(
          input: tensor(x), output: tensor(y), probability: probability, seed: seed)
      }
      return [try run.compare(y, "y"), try run.compareZeros(y, "mask")]
    }
  }

  static func dropoutBackwardCase(
    _ shape: [Int], _ label: String, _ probability: Float, _ mode: GradientMode
  ) -> ParityCase {
    ParityCase(op: "dropout", pass: passLabel("backward", mode), shape: label) { run in
      let dy = try run.input(shape, in: 0.25..<1.25)
      let dx = try run.gradient(shape, mode: mode)
      let seed = UInt32(truncatingIfNeeded: run.random.next())
      try run.onBothBackends { backend, tensor in
        try backend.dropoutBackward(
          outputGradient: tensor(dy), inputGradient: tensor(dx), probability: probability,
          seed: seed, mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      var checks = [try run.compare(dx, "dx")]
      if mode == .overwrite {
        checks.append(try run.compareZeros(dx, "mask"))
      }
      checks.append(
        try run.bitwiseRepeat(dx, "dx") {
          try run.device.dropoutBackward(
            outputGradient: dy.device, inputGradient: dx.device, probability: probability,
            seed: seed, mode: .overwrite)
        })
      return checks
    }
  }
}
