extension ParityTable {
  /// Parameter shapes: a single value, a bias of 17, a linear weight and a conv1d weight.
  static func optimizerShapes(quick: Bool) -> [[Int]] {
    quick ? [[17], [50, 256]] : [[1], [17], [50, 256], [256, 17, 3]]
  }

  /// One optimizer configuration: the step count and whether a clipping scale and weight decay
  /// apply.
  struct OptimizerSetting: Sendable {
    var steps: Int
    var scaled: Bool
    var weightDecay: Float

    var label: String {
      "steps=\(steps) scale=\(scaled ? "yes" : "no") wd=\(weightDecay)"
    }
  }

  static func optimizerSettings(quick: Bool) -> [OptimizerSetting] {
    var settings: [OptimizerSetting] = []
    for steps in [1, 7] {
      for scaled in [false, true] {
        for weightDecay: Float in [0, 0.01] {
          settings.append(OptimizerSetting(steps: steps, scaled: scaled, weightDecay: weightDecay))
        }
      }
    }
    return quick ? [settings[0], settings[settings.count - 1]] : settings
  }

  static func optimizerCases(quick: Bool) -> [ParityCase] {
    var cases: [ParityCase] = []
    for shape in optimizerShapes(quick: quick) {
      let label = "shape=\(shape)"
      for setting in optimizerSettings(quick: quick) {
        let settingLabel = "\(label) \(setting.label)"
        for decoupled in [true, false] {
          cases.append(adamUpdateCase(shape, settingLabel, setting, decoupled: decoupled))
        }
        cases.append(sgdUpdateCase(shape, settingLabel, setting))
      }
    }
    cases.append(contentsOf: gradientNormCases(quick: quick))
    return cases
  }

  /// Makes a pair holding a clipping scale below 1, or returns nil when `scaled` is off.
  static func gradientScale(_ run: ParityRun, scaled: Bool) throws -> ParityRun.Pair? {
    scaled ? try run.pair([1], values: [run.random.nextFloat(in: 0.2..<0.9)]) : nil
  }

  static func adamUpdateCase(
    _ shape: [Int], _ label: String, _ setting: OptimizerSetting, decoupled: Bool
  ) -> ParityCase {
    let variant = decoupled ? "AdamW" : "Adam"
    return ParityCase(op: "adam_update", pass: "step", shape: "\(label) \(variant)") { run in
      let parameter = try run.input(shape)
      let firstMoment = try run.pair(
        shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
      let secondMoment = try run.pair(
        shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
      let scale = try gradientScale(run, scaled: setting.scaled)
      for step in 1...setting.steps {
        let gradient = try run.input(shape)
        let hyperparameters = AdamHyperparameters(
          learningRate: 0.01, weightDecay: setting.weightDecay, decoupledWeightDecay: decoupled,
          step: step)
        try run.onBothBackends { backend, tensor in
          try backend.adamUpdate(
            parameter: tensor(parameter), gradient: tensor(gradient),
            firstMoment: tensor(firstMoment), secondMoment: tensor(secondMoment),
            hyperparameters: hyperparameters, gradientScale: scale.map(tensor))
        }
      }
      return [
        try run.compare(parameter, "p"), try run.compare(firstMoment, "m"),
        try run.compare(secondMoment, "v"),
      ]
    }
  }

  static func sgdUpdateCase(_ shape: [Int], _ label: String, _ setting: OptimizerSetting)
    -> ParityCase
  {
    ParityCase(op: "sgd_update", pass: "step", shape: label) { run in
      let parameter = try run.input(shape)
      let velocity = try run.pair(shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
      let scale = try gradientScale(run, scaled: setting.scaled)
      for _ in 1...setting.steps {
        let gradient = try run.input(shape)
        try run.onBothBackends { backend, tensor in
          try backend.sgdUpdate(
            parameter: tensor(parameter), gradient: tensor(gradient), velocity: tensor(velocity),
            learningRate: 0.05, momentum: 0.9, weightDecay: setting.weightDecay,
            gradientScale: scale.map(tensor))
        }
      }
      return [try run.compare(parameter, "p"), try run.compare(velocity, "velocity")]
    }
  }

  /// Gradient lists for the norm: one scalar, the tensors of a small model, and one tensor larger
  /// than a whole fixed-shape reduction pass, so work-items loop, with a count that is not a
  /// multiple of 8.
  static func gradientNormLists(quick: Bool) -> [[[Int]]] {
    quick
      ? [[[256, 17, 3], [256], [50, 256], [50]]]
      : [[[1]], [[256, 17, 3], [256], [50, 256], [50]], [[3], [999, 301], [17]]]
  }

  static func gradientNormCases(quick: Bool) -> [ParityCase] {
    gradientNormLists(quick: quick).map { shapes in
      ParityCase(op: "gradient_norm_squared", pass: "forward", shape: "shapes=\(shapes)") { run in
        let gradients = try shapes.map { try run.input($0) }
        let normSquared = try run.output([1])
        let smallMaxNorm = try run.output([1])
        let largeMaxNorm = try run.output([1])
        func norm(_ backend: Backend, _ tensor: (ParityRun.Pair) -> Tensor) throws {
          try backend.gradientNormSquared(gradients.map(tensor), result: tensor(normSquared))
        }
        try run.onBothBackends { backend, tensor in
          try norm(backend, tensor)
          // A max norm of 0.5 is below the norm of most lists here, and 1e6 is above every norm.
          try backend.clippingScale(
            normSquared: tensor(normSquared), maxNorm: 0.5, scale: tensor(smallMaxNorm))
          try backend.clippingScale(
            normSquared: tensor(normSquared), maxNorm: 1e6, scale: tensor(largeMaxNorm))
        }
        return [
          try run.compare(normSquared, "norm squared"),
          try run.compare(smallMaxNorm, "clipping scale (max norm 0.5)"),
          try run.compare(largeMaxNorm, "clipping scale (max norm 1e6)"),
          try run.bitwiseRepeat(normSquared, "norm squared") { try norm(run.device, \.device) },
        ]
      }
    }
  }
}
