import Foundation

extension ReferenceOps {
  /// Returns `sum(g^2)` over every element of every gradient, tensor by tensor in order.
  public static func gradientNormSquared<T: BinaryFloatingPoint>(_ gradients: [[T]]) -> Double {
    var sum = 0.0
    for gradient in gradients {
      for value in gradient {
        sum += Double(value) * Double(value)
      }
    }
    return sum
  }

  /// Returns the gradient-clipping factor `min(1, maxNorm / (sqrt(normSquared) + 1e-6))` of
  /// `torch.nn.utils.clip_grad_norm_`. A NaN norm gives NaN, so that a broken gradient is not
  /// hidden behind a factor of 1.
  public static func clippingScale(normSquared: Double, maxNorm: Double) -> Double {
    let ratio = maxNorm / (normSquared.squareRoot() + 1e-6)
    return ratio.isNaN ? ratio : min(1, ratio)
  }

  /// Computes one step of `torch.optim.Adam` (coupled weight decay) or `torch.optim.AdamW`
  /// (decoupled), without amsgrad, element by element:
  /// `g = g*scale`, then Adam adds `wd*p` to g while AdamW multiplies p by `1 - lr*wd`;
  /// `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g^2`,
  /// `p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)` for step `t`.
  ///
  /// p, g, m and v share one shape; returns the new p, m and v.
  public static func adamUpdate<T: BinaryFloatingPoint>(
    parameter: [T], gradient: [T], firstMoment: [T], secondMoment: [T],
    hyperparameters h: AdamHyperparameters, gradientScale: Double
  ) -> (parameter: [T], firstMoment: [T], secondMoment: [T]) {
    var (p, m, v) = (doubles(parameter), doubles(firstMoment), doubles(secondMoment))
    let g = doubles(gradient)
    let (learningRate, weightDecay) = (Double(h.learningRate), Double(h.weightDecay))
    let (beta1, beta2, epsilon) = (Double(h.beta1), Double(h.beta2), Double(h.epsilon))
    let correction1 = 1 - pow(beta1, Double(h.step))
    let correction2 = 1 - pow(beta2, Double(h.step))
    for i in p.indices {
      var scaled = g[i] * gradientScale
      if h.decoupledWeightDecay {
        p[i] *= 1 - learningRate * weightDecay
      } else {
        scaled += weightDecay * p[i]
      }
      m[i] = beta1 * m[i] + (1 - beta1) * scaled
      v[i] = beta2 * v[i] + (1 - beta2) * scaled * scaled
      let denominator = (v[i] / correction2).squareRoot() + epsilon
      p[i] -= learningRate * (m[i] / correction1) / denominator
    }
    return (rounded(p), rounded(m), rounded(v))
  }

  /// Computes one step of `torch.optim.SGD` with momentum and dampening 0, element by element:
  /// `g = g*scale + wd*p`, `v = momentum*v + g`, `p -= lr*v`. From a zero velocity the first step
  /// sets `v = g`, as PyTorch does, and momentum 0 gives plain SGD.
  ///
  /// p, g and v share one shape; returns the new p and v.
  public static func sgdUpdate<T: BinaryFloatingPoint>(
    parameter: [T], gradient: [T], velocity: [T], learningRate: Double, momentum: Double,
    weightDecay: Double, gradientScale: Double
  ) -> (parameter: [T], velocity: [T]) {
    var (p, v) = (doubles(parameter), doubles(velocity))
    let g = doubles(gradient)
    for i in p.indices {
      let decayed = g[i] * gradientScale + weightDecay * p[i]
      v[i] = momentum * v[i] + decayed
      p[i] -= learningRate * v[i]
    }
    return (rounded(p), rounded(v))
  }
}
