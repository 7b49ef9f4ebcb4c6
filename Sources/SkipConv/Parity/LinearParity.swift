extension ParityTable {
  /// Linear shapes `[N, I, O]`: the classifier heads ([64, 256] by Y = 2 ... 50), width 1, input
  /// widths that are not a multiple of 4, batch 1, and an output count that leaves partial blocks.
  static func linearShapes(quick: Bool) -> [[Int]] {
    quick
      ? [[3, 17, 6], [64, 256, 50]]
      : [
        [1, 1, 1], [3, 17, 6], [1, 256, 2], [64, 5, 50], [64, 256, 2], [64, 256, 50],
        [7, 130, 33],
      ]
  }

  static func linearCases(quick: Bool) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in linearShapes(quick: quick) {
      let label = shapeLabel("N I O", shape)
      for hasBias in [true, false] {
        let biasLabel = hasBias ? label : "\(label) no bias"
        cases.append(linearForwardCase(shape, biasLabel, hasBias: hasBias))
        for mode in [GradientMode.overwrite, .accumulate] {
          cases.append(linearBackwardWeightCase(shape, biasLabel, hasBias: hasBias, mode))
        }
      }
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(linearBackwardInputCase(shape, label, mode))
      }
    }
    return cases
  }

  static func linearForwardCase(_ shape: [Int], _ label: String, hasBias: Bool) -> ParityCase {
    ParityCase(op: "linear", pass: "forward", shape: label) { run in
      let (batch, inFeatures, outFeatures) = (shape[0], shape[1], shape[2])
      let x = try run.input([batch, inFeatures])
      let w = try run.input([outFeatures, inFeatures])
      let b = hasBias ? try run.input([outFeatures]) : nil
      let y = try run.output([batch, outFeatures])
      try run.onBothBackends { backend, tensor in
        try backend.linearForward(
          input: tensor(x), weight: tensor(w), bias: b.map(tensor), output: tensor(y))
      }
      return [try run.compare(y, "y")]
    }
  }

  static func linearBackwardInputCase(_ shape: [Int], _ label: String, _ mode: GradientMode)
    -> ParityCase
  {
    ParityCase(op: "linear", pass: passLabel("backward_input", mode), shape: label) { run in
      let (batch, inFeatures, outFeatures) = (shape[0], shape[1], shape[2])
      let dy = try run.input([batch, outFeatures])
      let w = try run.input([outFeatures, inFeatures])
      let dx = try run.gradient([batch, inFeatures], mode: mode)
      try run.onBothBackends { backend, tensor in
        try backend.linearBackwardInput(
          outputGradient: tensor(dy), weight: tensor(w), inputGradient: tensor(dx), mode: mode)
      }
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dx, "dx")
      let repeated = try run.bitwiseRepeat(dx, "dx") {
        try run.device.linearBackwardInput(
          outputGradient: dy.device, weight: w.device, inputGradient: dx.device, mode: .overwrite)
      }
      return [check, repeated]
    }
  }

  static func linearBackwardWeightCase(
    _ shape: [Int], _ label: String, hasBias: Bool, _ mode: GradientMode
  ) -> ParityCase {
    ParityCase(op: "linear", pass: passLabel("backward_weight", mode), shape: label) { run in
      let (batch, inFeatures, outFeatures) = (shape[0], shape[1], shape[2])
      let dy = try run.input([batch, outFeatures])
      let x = try run.input([batch, inFeatures])
      let dw = try run.gradient([outFeatures, inFeatures], mode: mode)
      let db = hasBias ? try run.gradient([outFeatures], mode: mode) : nil
      func backward(_ backend: Backend, _ tensor: (ParityRun.Pair) -> Tensor, _ mode: GradientMode)
        throws
      {
        try backend.linearBackwardWeight(
          outputGradient: tensor(dy), input: tensor(x), weightGradient: tensor(dw),
          biasGradient: db.map(tensor), mode: mode)
      }
      try run.onBothBackends { try backward($0, $1, mode) }
      // Compare before the repeat checks, which overwrite the device gradients.
      var checks = [try run.compare(dw, "dw")]
      if let db {
        checks.append(try run.compare(db, "db"))
      }
      checks.append(
        try run.bitwiseRepeat(dw, "dw") { try backward(run.device, \.device, .overwrite) })
      if let db {
        checks.append(
          try run.bitwiseRepeat(db, "db") { try backward(run.device, \.device, .overwrite) })
      }
      return checks
    }
  }
}
