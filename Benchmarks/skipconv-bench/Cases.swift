import SkipConv

/// One benchmark row before it runs: what it computes, its work formulas, and how to set it up.
struct BenchmarkCase {
  var op: String
  var pass: String
  var shape: String
  /// The sizes, for the PyTorch comparison script to rebuild the same problem.
  var parameters: [String: Int]
  /// Floating-point operations of one run (0 for memory-bound ops).
  var flops: Double
  /// Bytes one run must read and write at least.
  var bytes: Double
  /// Allocates inputs on `backend` and returns the work of one run.
  var prepare: (Backend) throws -> () throws -> Void
}

/// A float tensor of seeded random values in [-1, 1).
func randomTensor(_ backend: Backend, _ shape: [Int], seed: UInt64) throws -> Tensor {
  var random = SeededGenerator(seed: seed)
  let tensor = try backend.makeTensor(shape, .float32)
  try backend.upload(random.uniform(shape.reduce(1, *)), to: tensor)
  return tensor
}

/// conv1d rows (forward, each backward pass, and all three together) for one geometry.
func conv1dCases(_ g: Conv1dGeometry, label: String = "") -> [BenchmarkCase] {
  let parameters = [
    "N": g.batch, "Cin": g.inputChannels, "Cout": g.outputChannels, "L": g.inputLength,
    "K": g.kernelSize, "stride": g.stride, "dilation": g.dilation, "padLeft": g.padLeft,
    "padRight": g.padRight,
  ]
  let shape = "N=\(g.batch) C=\(g.inputChannels) L=\(g.inputLength) K=\(g.kernelSize)" + label
  // Each pass is one multiply-add per (n, o, t, c, k): 2 * N * Cout * Lout * Cin * K FLOPs.
  let flops = g.forwardFLOPs
  // Bytes: input, weight and output once each.
  let bytes = 4.0 * Double(
    g.batch * g.inputChannels * g.inputLength
      + g.outputChannels * g.inputChannels * g.kernelSize
      + g.batch * g.outputChannels * g.outputLength)
  func tensors(_ backend: Backend) throws -> [Tensor] {
    [
      try randomTensor(backend, g.inputShape, seed: 1),
      try randomTensor(backend, g.weightShape, seed: 2),
      try randomTensor(backend, [g.outputChannels], seed: 3),
      try randomTensor(backend, g.outputShape, seed: 4),
      try backend.makeTensor(g.inputShape, .float32),
      try backend.makeTensor(g.weightShape, .float32),
      try backend.makeTensor([g.outputChannels], .float32),
      try backend.makeTensor(g.outputShape, .float32),
    ]
  }
  func forward(_ b: Backend, _ t: [Tensor]) throws {
    try b.conv1dForward(
      input: t[0], weight: t[1], bias: t[2], output: t[7], geometry: g, activation: .relu)
  }
  func backwardInput(_ b: Backend, _ t: [Tensor]) throws {
    try b.conv1dBackwardInput(
      outputGradient: t[3], weight: t[1], inputGradient: t[4], geometry: g, mode: .overwrite)
  }
  func backwardWeight(_ b: Backend, _ t: [Tensor]) throws {
    try b.conv1dBackwardWeight(
      outputGradient: t[3], input: t[0], weightGradient: t[5], biasGradient: t[6], geometry: g,
      mode: .overwrite)
  }
  let passes: [(String, Double, (Backend, [Tensor]) throws -> Void)] = [
    ("forward", 1, forward),
    ("backward_input", 1, backwardInput),
    ("backward_weight", 1, backwardWeight),
    ("forward+backward", 3, { b, t in
      try forward(b, t)
      try backwardInput(b, t)
      try backwardWeight(b, t)
    }),
  ]
  return passes.map { pass, factor, body in
    BenchmarkCase(
      op: "conv1d", pass: pass, shape: shape, parameters: parameters, flops: flops * factor,
      bytes: bytes * factor,
      prepare: { backend in
        let t = try tensors(backend)
        return { try body(backend, t) }
      })
  }
}

/// Projection rows: a 1x1 convolution `[N, Cin, L] -> [N, Cout, L / stride]`.
func projectionCases(batch: Int, inputChannels: Int, outputChannels: Int, length: Int, stride: Int)
  throws -> [BenchmarkCase]
{
  let g = try Conv1dGeometry(
    batch: batch, inputChannels: inputChannels, outputChannels: outputChannels,
    inputLength: length, kernelSize: 1, stride: stride)
  let shape = "N=\(batch) Cin=\(inputChannels) Cout=\(outputChannels) L=\(length) s=\(stride)"
  let parameters = [
    "N": batch, "Cin": inputChannels, "Cout": outputChannels, "L": length, "stride": stride,
  ]
  // 2 * N * Cout * Lout * Cin FLOPs per pass; bytes: input, weight and output once each.
  let flops = g.forwardFLOPs
  let bytes = 4.0 * Double(
    batch * inputChannels * length + outputChannels * inputChannels
      + batch * outputChannels * g.outputLength)
  let weightShape = [outputChannels, inputChannels, 1]
  func tensors(_ backend: Backend) throws -> [Tensor] {
    [
      try randomTensor(backend, g.inputShape, seed: 1),
      try randomTensor(backend, weightShape, seed: 2),
      try randomTensor(backend, [outputChannels], seed: 3),
      try randomTensor(backend, g.outputShape, seed: 4),
      try backend.makeTensor(g.inputShape, .float32),
      try backend.makeTensor(weightShape, .float32),
      try backend.makeTensor([outputChannels], .float32),
      try backend.makeTensor(g.outputShape, .float32),
    ]
  }
  let passes: [(String, (Backend, [Tensor]) throws -> Void)] = [
    ("forward", { b, t in
      try b.projectionForward(
        input: t[0], weight: t[1], bias: t[2], output: t[7], stride: stride, activation: .none)
    }),
    ("backward_input", { b, t in
      try b.projectionBackwardInput(
        outputGradient: t[3], weight: t[1], inputGradient: t[4], stride: stride, mode: .overwrite)
    }),
    ("backward_weight", { b, t in
      try b.projectionBackwardWeight(
        outputGradient: t[3], input: t[0], weightGradient: t[5], biasGradient: t[6],
        stride: stride, mode: .overwrite)
    }),
  ]
  return passes.map { pass, body in
    BenchmarkCase(
      op: "projection", pass: pass, shape: shape, parameters: parameters, flops: flops,
      bytes: bytes,
      prepare: { backend in
        let t = try tensors(backend)
        return { try body(backend, t) }
      })
  }
}
