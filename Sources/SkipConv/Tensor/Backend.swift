/// The ops of a training step, implemented once as a plain CPU reference and once in OpenCL.
///
/// Model code calls only these methods, so it runs unchanged on either backend. Shape letters:
/// N batch, C channels (Cin, Cout), L length, K kernel width, E embedding width, V vocabulary,
/// Y classes, I and O the input and output widths of a linear layer.
///
/// Ops queue work and return; results become visible to the host through `download`. Backward
/// methods take a `GradientMode`: `.overwrite` replaces the gradient tensor, `.accumulate` adds to
/// it. Every method throws `ShapeError` when its tensors do not fit together.
public protocol Backend: AnyObject {
  /// A short name for reports, such as `reference` or the OpenCL device name.
  var name: String { get }

  // MARK: Tensors

  /// Allocates a tensor with unspecified contents.
  func makeTensor(_ shape: [Int], _ elementType: ElementType) throws -> Tensor
  func upload(_ values: [Float], to tensor: Tensor) throws
  func upload(_ values: [Int32], to tensor: Tensor) throws
  /// Queues a copy of host values without waiting for the device, where the backend can.
  func uploadAsync(_ values: [Int32], to tensor: Tensor) throws
  func download(_ tensor: Tensor) throws -> [Float]
  func download(_ tensor: Tensor) throws -> [Int32]
  func fill(_ tensor: Tensor, with value: Float) throws
  /// Copies all of `source` into `destination`, which has the same element count and type.
  func copy(_ source: Tensor, to destination: Tensor) throws
  /// Waits until all queued work has finished.
  func synchronize() throws

  // MARK: conv1d

  /// `y[n,o,t] = act(b[o] + sum_{c,k} w[o,c,k] * x[n,c, t*stride + k*dilation - padLeft])`, with
  /// out-of-range `x` read as 0. x `[N, Cin, L]`, w `[Cout, Cin, K]`, b `[Cout]`,
  /// y `[N, Cout, Lout]`.
  func conv1dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, geometry: Conv1dGeometry,
    activation: Activation) throws
  /// dx `[N, Cin, L]` from dy `[N, Cout, Lout]` and w `[Cout, Cin, K]` (a transposed convolution).
  func conv1dBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, geometry: Conv1dGeometry,
    mode: GradientMode) throws
  /// dw `[Cout, Cin, K]` and db `[Cout]` from dy `[N, Cout, Lout]` and x `[N, Cin, L]`,
  /// reduced over `n` and `t` in a fixed order.
  func conv1dBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    geometry: Conv1dGeometry, mode: GradientMode) throws

  // MARK: projection (1x1 convolution, optionally strided)

  /// `y[n,o,t] = act(b[o] + sum_c w[o,c] * x[n,c,t*stride])`. x `[N, Cin, L]`, w `[Cout, Cin, 1]`,
  /// b `[Cout]`, y `[N, Cout, Lout]` with `Lout = (L - 1) / stride + 1`.
  func projectionForward(
    input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor, stride: Int,
    activation: Activation) throws
  func projectionBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, stride: Int,
    mode: GradientMode) throws
  func projectionBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    stride: Int, mode: GradientMode) throws

  // MARK: Elementwise

  /// `y = T*H + (1-T)*x` with `T = sigmoid(aT)`, `H = relu(aH)`; all tensors of one shape.
  func highwayGateForward(
    transformInput: Tensor, hiddenInput: Tensor, carry: Tensor, output: Tensor) throws
  /// `daT = dy*(H-x)*T*(1-T)`, `daH = dy*T*[aH > 0]`, `dx = dy*(1-T)`.
  func highwayGateBackward(
    outputGradient: Tensor, transformInput: Tensor, hiddenInput: Tensor, carry: Tensor,
    transformGradient: Tensor, hiddenGradient: Tensor, carryGradient: Tensor,
    mode: GradientMode) throws
  /// `y = act(a + b)`; all tensors of one shape.
  func residualAddForward(_ a: Tensor, _ b: Tensor, output: Tensor, activation: Activation) throws
  /// `da = db = dy * [y > 0]` for ReLU, `dy` otherwise; one gradient serves both inputs.
  func residualAddBackward(
    outputGradient: Tensor, output: Tensor, sumGradient: Tensor, activation: Activation,
    mode: GradientMode) throws
  /// `dx = dy * [y > 0]` in place on `gradient`, given the ReLU output `y`.
  func reluBackward(output: Tensor, gradient: Tensor) throws
  /// Inverted dropout: `y = x * keep / (1 - p)`, where `keep` is a hash of (seed, index) > p, so
  /// the backward pass regenerates the same mask without storing it.
  func dropoutForward(input: Tensor, output: Tensor, probability: Float, seed: UInt32) throws
  func dropoutBackward(
    outputGradient: Tensor, inputGradient: Tensor, probability: Float, seed: UInt32,
    mode: GradientMode) throws

  // MARK: Embedding

  /// Gathers rows of table `[V, E]` for tokens `[N, L]` (int32) into `[N, E, L]`, ready for conv1d.
  func embeddingForward(tokens: Tensor, table: Tensor, output: Tensor) throws
  /// Sums dy `[N, E, L]` into rows of dtable `[V, E]` by token, deterministically (no atomics).
  /// Padding tokens (id 0) get no gradient; `.overwrite` zeroes every other row first.
  func embeddingBackward(
    index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor,
    mode: GradientMode) throws
  /// Uploads the grouping of token positions by id that `embeddingBackward` reduces over.
  func makeEmbeddingGradientIndex(tokens: [Int32], batch: Int, length: Int) throws
    -> EmbeddingGradientIndex

  // MARK: Pooling over time

  // The pooling ops take per-example lengths, int32 `[N]`, so that the padding of a batch is left
  // out: row n of a `[N, C, L]` input has the valid length `min(max(lengths[n], 1), L)`, and nil
  // lengths give every row the full length L.

  /// `y[n,c] = max_{t < length} x[n,c,t]`, storing the first index of the maximum in `argmax`
  /// (int32), which is always inside the valid length.
  func maxPoolForward(input: Tensor, lengths: Tensor?, output: Tensor, argmax: Tensor) throws
  /// Routes `dy[n,c]` to `dx[n,c,argmax[n,c]]`; other positions get 0 (or keep their value).
  func maxPoolBackward(
    outputGradient: Tensor, argmax: Tensor, inputGradient: Tensor, mode: GradientMode) throws
  /// `y[n,c] = (1/length) sum_{t < length} x[n,c,t]`.
  func meanPoolForward(input: Tensor, lengths: Tensor?, output: Tensor) throws
  /// `dx[n,c,t] = dy[n,c] / length` for `t < length`, and 0 at the padding (with `.accumulate`,
  /// the padding keeps its value).
  func meanPoolBackward(
    outputGradient: Tensor, lengths: Tensor?, inputGradient: Tensor, mode: GradientMode) throws
  /// Sets `x[n,c,t] = 0` in place on x `[N, C, L]` for every `t` at or past the valid length of
  /// row n, with lengths int32 `[N]` clamped as for pooling.
  func sequenceMask(_ tensor: Tensor, lengths: Tensor) throws

  // MARK: Linear

  /// `y = x w^T + b`. x `[N, I]`, w `[O, I]`, b `[O]`, y `[N, O]`.
  func linearForward(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws
  /// dx `[N, I] = dy w`.
  func linearBackwardInput(
    outputGradient: Tensor, weight: Tensor, inputGradient: Tensor, mode: GradientMode) throws
  /// dw `[O, I] = dy^T x`, db `[O] = sum_n dy`.
  func linearBackwardWeight(
    outputGradient: Tensor, input: Tensor, weightGradient: Tensor, biasGradient: Tensor?,
    mode: GradientMode) throws

  // MARK: Loss

  /// Softmax cross-entropy over logits `[N, Y]` and labels `[N]` (int32). Writes each row's loss
  /// to `losses [N]`, its arg-max class to `predictions [N]` (int32) and
  /// `dlogits = (softmax - onehot) * gradientScale`, where the caller passes `1/N` for a mean loss.
  func softmaxCrossEntropy(
    logits: Tensor, labels: Tensor, losses: Tensor, predictions: Tensor, logitsGradient: Tensor,
    gradientScale: Float) throws

  // MARK: Optimizers

  /// Writes `sum(g^2)` over all `gradients` to `result [1]`, in a fixed order.
  func gradientNormSquared(_ gradients: [Tensor], result: Tensor) throws
  /// Writes `min(1, maxNorm / (sqrt(normSquared) + 1e-6))` to `scale [1]`.
  func clippingScale(normSquared: Tensor, maxNorm: Float, scale: Tensor) throws
  /// Adam or AdamW in place; see `AdamHyperparameters`. `gradientScale [1]` multiplies the
  /// gradient first (for clipping); nil means 1.
  func adamUpdate(
    parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
    hyperparameters: AdamHyperparameters, gradientScale: Tensor?) throws
  /// SGD with momentum in place: `v = momentum*v + g + wd*p`, `p -= lr*v`.
  func sgdUpdate(
    parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float, momentum: Float,
    weightDecay: Float, gradientScale: Tensor?) throws
}

/// The settings of one Adam or AdamW step.
///
/// With `decoupledWeightDecay` (AdamW) the update is `p -= lr * (mhat / (sqrt(vhat) + eps) +
/// wd * p)`; without it (Adam) `wd * p` is added to the gradient first, as in `torch.optim.Adam`.
/// `step` counts from 1 and sets the bias corrections `1 - beta^step`.
public struct AdamHyperparameters: Sendable {
  public var learningRate: Float
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var epsilon: Float = 1e-8
  public var weightDecay: Float = 0
  public var decoupledWeightDecay = true
  public var step: Int

  public init(
    learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0, decoupledWeightDecay: Bool = true, step: Int
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupledWeightDecay = decoupledWeightDecay
    self.step = step
  }
}

/// Token positions grouped by token id, so the embedding gradient sums each row without atomics.
///
/// `uniqueTokens [U]` lists the non-padding ids of the batch in increasing order; the positions
/// (`n * L + t`) of `uniqueTokens[u]` are `positions[offsets[u] ..< offsets[u + 1]]`, in increasing
/// order. All three tensors are int32.
public struct EmbeddingGradientIndex {
  public var uniqueTokens: Tensor
  public var offsets: Tensor
  public var positions: Tensor
  public var batch: Int
  public var length: Int
  /// The host copy of `uniqueTokens`, `offsets` and `positions`.
  public var hostUniqueTokens: [Int32]
  public var hostOffsets: [Int32]
  public var hostPositions: [Int32]

  public init(
    uniqueTokens: Tensor, offsets: Tensor, positions: Tensor, batch: Int, length: Int,
    hostUniqueTokens: [Int32], hostOffsets: [Int32], hostPositions: [Int32]
  ) {
    self.uniqueTokens = uniqueTokens
    self.offsets = offsets
    self.positions = positions
    self.batch = batch
    self.length = length
    self.hostUniqueTokens = hostUniqueTokens
    self.hostOffsets = hostOffsets
    self.hostPositions = hostPositions
  }

  /// Groups the positions of `tokens [N * L]` by id on the host, skipping padding (id 0).
  public static func group(_ tokens: [Int32]) -> (unique: [Int32], offsets: [Int32], positions: [Int32]) {
    var counts: [Int32: Int32] = [:]
    for token in tokens where token != 0 {
      counts[token, default: 0] += 1
    }
    let unique = counts.keys.sorted()
    var offsets = [Int32](repeating: 0, count: unique.count + 1)
    var slot: [Int32: Int] = [:]
    for (u, token) in unique.enumerated() {
      offsets[u + 1] = offsets[u] + counts[token]!
      slot[token] = Int(offsets[u])
    }
    var positions = [Int32](repeating: 0, count: Int(offsets.last ?? 0))
    for (position, token) in tokens.enumerated() where token != 0 {
      positions[slot[token]!] = Int32(position)
      slot[token]! += 1
    }
    return (unique, offsets, positions)
  }
}
