extension ParityTable {
  /// Returns the conv1d shapes. They cover length 1, kernels longer than the input, even kernels
  /// with `same`, dilation 2 and 3, stride 2 on odd lengths, causal and explicit padding (also
  /// wider than the kernel span), channel counts 1, 3, 17 and 256, batch 1 and 64, with and
  /// without bias and ReLU. Several rows also exercise code paths of the blocked kernels: a valid
  /// row read in place, a partial last block of positions or channels, padding wider than one
  /// block of positions, and a batch large enough to split dw into chunks.
  static func conv1dShapes(quick: Bool) -> [Conv1dParityShape] {
    typealias Shape = Conv1dParityShape
    let quickShapes = [
      Shape(2, 3, 4, 3, kernel: 7, padding: .same),
      Shape(3, 7, 9, 17, kernel: 3, stride: 2, padding: .explicit(left: 1, right: 1)),
      Shape(64, 3, 17, 33, kernel: 3, padding: .same, activation: .relu),
    ]
    guard !quick else { return quickShapes }
    return quickShapes + [
      Shape(1, 3, 5, 1, kernel: 3, padding: .same, activation: .relu),
      Shape(2, 4, 3, 2, kernel: 5, padding: .explicit(left: 3, right: 1)),
      Shape(3, 5, 6, 9, kernel: 2, padding: .same, hasBias: false),
      Shape(3, 6, 5, 10, kernel: 4, padding: .same, hasBias: false, activation: .relu),
      Shape(2, 17, 17, 20, kernel: 3, dilation: 2, padding: .same),
      Shape(2, 8, 7, 17, kernel: 3, dilation: 3, padding: .causal),
      Shape(2, 5, 6, 15, kernel: 4, stride: 2),
      Shape(2, 4, 5, 23, kernel: 3, stride: 3, dilation: 2, padding: .explicit(left: 2, right: 1)),
      Shape(2, 6, 4, 12, kernel: 5, padding: .causal, activation: .relu),
      Shape(2, 5, 3, 10, kernel: 3, padding: .explicit(left: 4, right: 5)),
      Shape(1, 1, 1, 40, kernel: 3, padding: .same),
      Shape(2, 256, 256, 20, kernel: 3, padding: .same, activation: .relu),
      Shape(4, 256, 5, 7, kernel: 3, stride: 2, padding: .explicit(left: 1, right: 1)),
      Shape(2, 8, 12, 34, kernel: 3),
      Shape(64, 17, 3, 16, kernel: 1, hasBias: false),
      Shape(2, 3, 5, 50, kernel: 9, dilation: 3, padding: .same),
    ]
  }

  static func conv1dCases(quick: Bool) -> [ParityCase] {
    parityCases(.conv1d, shapes: conv1dShapes(quick: quick))
  }

  /// Makes a case for every pass of every shape, once with the default kernels of each device
  /// class: forward, then backward input and backward weight in overwrite and accumulate mode.
  static func parityCases(_ op: Conv1dParityOp, shapes: [Conv1dParityShape]) -> [ParityCase] {
    [KernelVariants.DeviceClass.cpu, .gpu].flatMap { deviceClass in
      parityCases(
        op, shapes: shapes, variants: KernelVariants(deviceClass: deviceClass),
        label: "\(deviceClass.rawValue) kernels")
    }
  }

  /// Makes a case for every pass of every shape with `variants`, whichever device the suite
  /// checks. `label` names the variants in each case's shape string.
  static func parityCases(
    _ op: Conv1dParityOp, shapes: [Conv1dParityShape], variants: KernelVariants, label: String
  ) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in shapes {
      let kernels = Conv1dParityKernels(variants: variants, label: "\(shape.label) \(label)")
      cases.append(conv1dForwardCase(op, shape, kernels))
      for mode in [GradientMode.overwrite, .accumulate] {
        cases.append(conv1dBackwardInputCase(op, shape, kernels, mode))
        cases.append(conv1dBackwardWeightCase(op, shape, kernels, mode))
      }
    }
    return cases
  }

  static func conv1dForwardCase(
    _ op: Conv1dParityOp, _ shape: Conv1dParityShape, _ kernels: Conv1dParityKernels
  ) -> ParityCase {
    ParityCase(op: op.rawValue, pass: "forward", shape: kernels.label) { run in
      let g = try shape.geometry()
      let device = kernels.backend(run)
      let x = try run.input(g.inputShape)
      let w = try run.input(g.weightShape)
      let b = shape.hasBias ? try run.input([g.outputChannels]) : nil
      let y = try run.output(g.outputShape)
      try op.forward(
        run.reference, x.reference, w.reference, b?.reference, y.reference, g, shape.activation)
      try op.forward(device, x.device, w.device, b?.device, y.device, g, shape.activation)
      return [try run.compare(y, "y")]
    }
  }

  static func conv1dBackwardInputCase(
    _ op: Conv1dParityOp, _ shape: Conv1dParityShape, _ kernels: Conv1dParityKernels,
    _ mode: GradientMode
  ) -> ParityCase {
    let pass = passLabel("backward_input", mode)
    return ParityCase(op: op.rawValue, pass: pass, shape: kernels.label) { run in
      let g = try shape.geometry()
      let device = kernels.backend(run)
      let dy = try run.input(g.outputShape)
      let w = try run.input(g.weightShape)
      let dx = try run.gradient(g.inputShape, mode: mode)
      try op.backwardInput(run.reference, dy.reference, w.reference, dx.reference, g, mode)
      try op.backwardInput(device, dy.device, w.device, dx.device, g, mode)
      // Compare before the repeat check, which overwrites the device gradient.
      let check = try run.compare(dx, "dx")
      let repeated = try run.bitwiseRepeat(dx, "dx") {
        try op.backwardInput(device, dy.device, w.device, dx.device, g, .overwrite)
      }
      return [check, repeated]
    }
  }

  static func conv1dBackwardWeightCase(
    _ op: Conv1dParityOp, _ shape: Conv1dParityShape, _ kernels: Conv1dParityKernels,
    _ mode: GradientMode
  ) -> ParityCase {
    let pass = passLabel("backward_weight", mode)
    return ParityCase(op: op.rawValue, pass: pass, shape: kernels.label) { run in
      let g = try shape.geometry()
      let device = kernels.backend(run)
      let dy = try run.input(g.outputShape)
      let x = try run.input(g.inputShape)
      let dw = try run.gradient(g.weightShape, mode: mode)
      let db = shape.hasBias ? try run.gradient([g.outputChannels], mode: mode) : nil
      try op.backwardWeight(
        run.reference, dy.reference, x.reference, dw.reference, db?.reference, g, mode)
      try op.backwardWeight(device, dy.device, x.device, dw.device, db?.device, g, mode)
      // Compare before the repeat checks, which overwrite the device gradients.
      var checks = [try run.compare(dw, "dw")]
      if let db {
        checks.append(try run.compare(db, "db"))
      }
      let rerun = {
        try op.backwardWeight(device, dy.device, x.device, dw.device, db?.device, g, .overwrite)
      }
      checks.append(try run.bitwiseRepeat(dw, "dw", rerun))
      if let db {
        checks.append(try run.bitwiseRepeat(db, "db", rerun))
      }
      return checks
    }
  }
}
