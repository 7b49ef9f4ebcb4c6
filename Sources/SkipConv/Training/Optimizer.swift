/// The optimizer algorithms SkipConv offers.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
  /// Adam with weight decay added to the gradient (`torch.optim.Adam`).
  case adam
  /// Adam with decoupled weight decay (`torch.optim.AdamW`).
  case adamw
  /// SGD with momentum (`torch.optim.SGD`, dampening 0).
  case sgd
}

/// Optimizer and clipping settings.
public struct OptimizerSettings: Codable, Equatable, Sendable {
  public var kind: OptimizerKind = .adamw
  public var weightDecay: Float = 0.05
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var epsilon: Float = 1e-8
  public var momentum: Float = 0.9
  /// Gradients are scaled down when their global L2 norm exceeds this; 0 turns clipping off.
  public var maxGradientNorm: Float = 5

  public init() {}
}

/// Updates parameters in place on their backend and keeps the optimizer state beside them.
///
/// State tensors are named as in PyTorch's optimizer state: `exp_avg` and `exp_avg_sq` for Adam,
/// `momentum_buffer` for SGD.
public final class Optimizer {
  public let settings: OptimizerSettings
  public private(set) var step = 0
  let parameters: [Parameter]
  /// State tensors by name, one list per parameter.
  private(set) var state: [String: [Tensor]] = [:]
  private let backend: Backend
  private let normSquared: Tensor
  private let scale: Tensor

  public init(parameters: [Parameter], settings: OptimizerSettings, backend: Backend) throws {
    self.parameters = parameters
    self.settings = settings
    self.backend = backend
    normSquared = try backend.makeTensor([1], .float32)
    scale = try backend.makeTensor([1], .float32)
    for name in Self.stateNames(settings.kind) {
      state[name] = try parameters.map { parameter in
        let tensor = try backend.makeTensor(parameter.shape, .float32)
        try backend.fill(tensor, with: 0)
        return tensor
      }
    }
  }

  static func stateNames(_ kind: OptimizerKind) -> [String] {
    kind == .sgd ? ["momentum_buffer"] : ["exp_avg", "exp_avg_sq"]
  }

  /// Applies one update with `learningRate` to every parameter from its current gradient, after
  /// clipping by global norm when that is on. Queues the work and returns.
  public func apply(learningRate: Float) throws {
    step += 1
    var gradientScale: Tensor?
    if settings.maxGradientNorm > 0 {
      try backend.gradientNormSquared(parameters.map(\.gradient), result: normSquared)
      try backend.clippingScale(
        normSquared: normSquared, maxNorm: settings.maxGradientNorm, scale: scale)
      gradientScale = scale
    }
    for (index, parameter) in parameters.enumerated() {
      switch settings.kind {
      case .adam, .adamw:
        let hyperparameters = AdamHyperparameters(
          learningRate: learningRate, beta1: settings.beta1, beta2: settings.beta2,
          epsilon: settings.epsilon, weightDecay: settings.weightDecay,
          decoupledWeightDecay: settings.kind == .adamw, step: step)
        try backend.adamUpdate(
          parameter: parameter.value, gradient: parameter.gradient,
          firstMoment: state["exp_avg"]![index], secondMoment: state["exp_avg_sq"]![index],
          hyperparameters: hyperparameters, gradientScale: gradientScale)
      case .sgd:
        try backend.sgdUpdate(
          parameter: parameter.value, gradient: parameter.gradient,
          velocity: state["momentum_buffer"]![index], learningRate: learningRate,
          momentum: settings.momentum, weightDecay: settings.weightDecay,
          gradientScale: gradientScale)
      }
    }
  }

  /// The squared global gradient norm of the last `apply` (a device read; for logging).
  public func lastGradientNorm() throws -> Float? {
    guard settings.maxGradientNorm > 0, step > 0 else { return nil }
    let value: [Float] = try backend.download(normSquared)
    return value[0].squareRoot()
  }

  /// Restores the step count (after loading state tensors from a checkpoint).
  func restore(step: Int) {
    self.step = step
  }
}
