import Foundation

/// Tries tile configurations of the conv1d and projection kernels on one device, keeps the
/// fastest that passes the parity table, and stores the choice per device and driver so that
/// later runs start with it (see `TunedVariants`).
public struct KernelTuner {
  /// One measured configuration.
  public struct Trial: Codable, Sendable {
    public var op: String
    public var configuration: Conv1dKernelConfig
    /// Median seconds of forward plus both backward passes over the timing shapes; nil when the
    /// configuration failed parity or could not build.
    public var seconds: Double?
    public var failure: String?
  }

  public let context: ComputeContext
  /// Timed runs per configuration (median).
  public var runs = 5

  public init(context: ComputeContext) {
    self.context = context
  }

  /// Shapes the timings sum over: the default model's convolutions on a typical SST-2 batch and
  /// on a longer one.
  static func timingGeometries(kernelSize: Int) throws -> [Conv1dGeometry] {
    try [(64, 256, 24), (64, 256, 96)].map { batch, channels, length in
      try Conv1dGeometry(
        batch: batch, inputChannels: channels, outputChannels: channels, inputLength: length,
        kernelSize: kernelSize, padding: kernelSize == 1 ? .valid : .same)
    }
  }

  /// Tunes conv1d and the projection and returns the chosen variants with every trial.
  public func tune(
    candidates: [Conv1dKernelConfig], progress: (Trial) -> Void = { _ in }
  ) throws -> TunedVariants {
    let defaults = KernelVariants.defaults(for: context.info)
    var chosen = defaults
    var trials: [Trial] = []
    for op in [Conv1dParityOp.conv1d, .projection] {
      var best: (seconds: Double, configuration: Conv1dKernelConfig)?
      for candidate in candidates {
        var variants = defaults
        switch op {
        case .conv1d: variants.conv1d = candidate
        case .projection: variants.projection = candidate
        }
        let trial = measure(op, variants: variants, candidate: candidate)
        trials.append(trial)
        progress(trial)
        if let seconds = trial.seconds, seconds < best?.seconds ?? .infinity {
          best = (seconds, candidate)
        }
      }
      if let best {
        switch op {
        case .conv1d: chosen.conv1d = best.configuration
        case .projection: chosen.projection = best.configuration
        }
      }
    }
    return TunedVariants(device: context.info, variants: chosen, trials: trials)
  }

  private func measure(
    _ op: Conv1dParityOp, variants: KernelVariants, candidate: Conv1dKernelConfig
  ) -> Trial {
    var trial = Trial(op: op.rawValue, configuration: candidate, seconds: nil, failure: nil)
    do {
      try candidate.validate()
      let backend = OpenCLBackend(context: context, variants: variants)
      if let failure = try parityFailure(op, backend: backend) {
        trial.failure = failure
        return trial
      }
      trial.seconds = try time(op, backend: backend)
    } catch {
      trial.failure = "\(error)"
    }
    return trial
  }

  /// Runs the quick parity table of `op` with the candidate; returns the first failure.
  private func parityFailure(_ op: Conv1dParityOp, backend: OpenCLBackend) throws -> String? {
    let shapes = op == .conv1d
      ? ParityTable.conv1dShapes(quick: true) : ParityTable.projectionShapes(quick: true)
    let cases = ParityTable.parityCases(
      op, shapes: shapes, variants: backend.variants, label: "candidate")
    let suite = ParitySuite()
    for (index, parityCase) in cases.enumerated() {
      let result = suite.run(parityCase, index: index, device: backend)
      if !result.passed {
        return "\(parityCase.pass) \(parityCase.shape): "
          + (result.error ?? result.worst.map { "\($0.output) \($0.metrics)" } ?? "no output")
      }
    }
    return nil
  }

  /// Median seconds of forward, backward input and backward weight over the timing shapes.
  private func time(_ op: Conv1dParityOp, backend: OpenCLBackend) throws -> Double {
    var total = 0.0
    for g in try Self.timingGeometries(kernelSize: op == .conv1d ? 3 : 1) {
      var random = SeededGenerator(seed: 3)
      func tensor(_ shape: [Int]) throws -> Tensor {
        let tensor = try backend.makeTensor(shape, .float32)
        try backend.upload(random.uniform(shape.reduce(1, *)), to: tensor)
        return tensor
      }
      let (x, w, b, dy) = (
        try tensor(g.inputShape), try tensor(g.weightShape), try tensor([g.outputChannels]),
        try tensor(g.outputShape)
      )
      let (y, dx, dw, db) = (
        try tensor(g.outputShape), try tensor(g.inputShape), try tensor(g.weightShape),
        try tensor([g.outputChannels])
      )
      func pass() throws {
        try op.forward(backend, x, w, b, y, g, .relu)
        try op.backwardInput(backend, dy, w, dx, g, .overwrite)
        try op.backwardWeight(backend, dy, x, dw, db, g, .overwrite)
      }
      try pass()
      try backend.synchronize()
      var samples: [Double] = []
      for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try pass()
        try backend.synchronize()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
      }
      total += samples.sorted()[samples.count / 2]
    }
    return total
  }
}

extension KernelTuner {
  /// The configurations tried for a device class: the defaults first, then variations of the
  /// block or tile sizes around them.
  public static func candidates(for deviceClass: KernelVariants.DeviceClass, quick: Bool = false)
    -> [Conv1dKernelConfig]
  {
    let base = Conv1dKernelConfig.defaults(for: deviceClass)
    var candidates = [base]
    switch deviceClass {
    case .cpu:
      for (channels, vectors) in [(4, 2), (8, 1), (4, 1), (6, 1), (8, 2)] {
        var candidate = base
        candidate.blockChannels = channels
        candidate.blockVectors = vectors
        candidates.append(candidate)
      }
      for (channels, taps) in [(3, 4), (6, 2)] {
        var candidate = base
        candidate.weightBlockChannels = channels
        candidate.weightBlockTaps = taps
        candidates.append(candidate)
      }
    case .gpu:
      for (m, n, k, workM, workN) in [
        (64, 64, 8, 4, 4), (32, 32, 16, 4, 4), (64, 32, 16, 4, 4), (128, 64, 16, 8, 4),
        (128, 128, 8, 8, 8), (32, 64, 16, 2, 4),
      ] {
        var candidate = base
        (candidate.tileM, candidate.tileN, candidate.tileK) = (m, n, k)
        (candidate.workM, candidate.workN) = (workM, workN)
        candidates.append(candidate)
      }
    }
    return quick ? Array(candidates.prefix(3)) : candidates
  }
}
