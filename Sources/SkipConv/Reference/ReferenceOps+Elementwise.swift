extension ReferenceOps {
  /// Computes the highway gate `y = s*H + (1-s)*x` with the transform gate `s = sigmoid(aT)` and
  /// `H = relu(aH)`. aT, aH, x and the returned y share one shape, usually `[N, C, L]`.
  public static func highwayGateForward<T: BinaryFloatingPoint>(
    transformInput: [T], hiddenInput: [T], carry: [T]
  ) -> [T] {
    let (aT, aH, x) = (doubles(transformInput), doubles(hiddenInput), doubles(carry))
    var y = [Double](repeating: 0, count: x.count)
    for i in x.indices {
      let gate = sigmoid(aT[i])
      y[i] = gate * relu(aH[i]) + (1 - gate) * x[i]
    }
    return rounded(y)
  }

  /// Computes `daT = dy*(H-x)*s*(1-s)`, `daH = dy*s*[aH > 0]` and `dx = dy*(1-s)` for the
  /// highway gate, with `s = sigmoid(aT)` and `H = relu(aH)`. All arrays share one shape.
  public static func highwayGateBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], transformInput: [T], hiddenInput: [T], carry: [T]
  ) -> (dTransform: [T], dHidden: [T], dCarry: [T]) {
    let dy = doubles(outputGradient)
    let (aT, aH, x) = (doubles(transformInput), doubles(hiddenInput), doubles(carry))
    var dTransform = [Double](repeating: 0, count: x.count)
    var dHidden = dTransform
    var dCarry = dTransform
    for i in x.indices {
      let gate = sigmoid(aT[i])
      dTransform[i] = dy[i] * (relu(aH[i]) - x[i]) * gate * (1 - gate)
      dHidden[i] = aH[i] > 0 ? dy[i] * gate : 0
      dCarry[i] = dy[i] * (1 - gate)
    }
    return (rounded(dTransform), rounded(dHidden), rounded(dCarry))
  }

  /// Computes `y = act(a + b)` for a, b and y of one shape.
  public static func residualAddForward<T: BinaryFloatingPoint>(
    _ a: [T], _ b: [T], activation: Activation
  ) -> [T] {
    let (left, right) = (doubles(a), doubles(b))
    let y = left.indices.map { i in
      activation == .relu ? relu(left[i] + right[i]) : left[i] + right[i]
    }
    return rounded(y)
  }

  /// Computes the gradient of both inputs of a residual add from dy and the output y:
  /// `dy * [y > 0]` for ReLU, `dy` otherwise.
  public static func residualAddBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], output: [T], activation: Activation
  ) -> [T] {
    switch activation {
    case .relu: return reluBackward(output: output, gradient: outputGradient)
    case .none: return outputGradient
    }
  }

  /// Computes `dx = dy * [y > 0]` from the ReLU output y and its gradient dy.
  public static func reluBackward<T: BinaryFloatingPoint>(output: [T], gradient: [T]) -> [T] {
    output.indices.map { i in output[i] > 0 ? gradient[i] : 0 }
  }

  /// Computes inverted dropout, `y[i] = x[i] / (1 - p)` where `dropoutKeeps(i, seed)` and 0
  /// elsewhere, with `i` the flat index. `p = 0` keeps every element.
  public static func dropoutForward<T: BinaryFloatingPoint>(
    input: [T], probability: Float, seed: UInt32
  ) -> [T] {
    dropoutScale(input, probability: probability, seed: seed)
  }

  /// Computes `dx[i] = dy[i] / (1 - p)` where dropout kept element `i` and 0 elsewhere, from the
  /// same hash as the forward pass.
  public static func dropoutBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], probability: Float, seed: UInt32
  ) -> [T] {
    dropoutScale(outputGradient, probability: probability, seed: seed)
  }

  private static func dropoutScale<T: BinaryFloatingPoint>(
    _ values: [T], probability: Float, seed: UInt32
  ) -> [T] {
    let threshold = dropoutThreshold(probability)
    let keepProbability = 1 - Double(probability)
    let x = doubles(values)
    let y = x.indices.map { i in
      dropoutKeeps(index: i, seed: seed, threshold: threshold) ? x[i] / keepProbability : 0
    }
    return rounded(y)
  }
}
