/// One conv1d or projection parity shape: the geometry's sizes and the forward epilogue.
struct Conv1dParityShape: Sendable {
  var batch: Int
  var inputChannels: Int
  var outputChannels: Int
  var length: Int
  var kernelSize: Int
  var stride: Int
  var dilation: Int
  var padding: Padding
  var hasBias: Bool
  var activation: Activation

  init(
    _ batch: Int, _ inputChannels: Int, _ outputChannels: Int, _ length: Int, kernel: Int,
    stride: Int = 1, dilation: Int = 1, padding: Padding = .valid, hasBias: Bool = true,
    activation: Activation = .none
  ) {
    self.batch = batch
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.length = length
    self.kernelSize = kernel
    self.stride = stride
    self.dilation = dilation
    self.padding = padding
    self.hasBias = hasBias
    self.activation = activation
  }

  /// Makes the geometry, throwing `ShapeError` for sizes that leave no output.
  func geometry() throws -> Conv1dGeometry {
    try Conv1dGeometry(
      batch: batch, inputChannels: inputChannels, outputChannels: outputChannels,
      inputLength: length, kernelSize: kernelSize, stride: stride, dilation: dilation,
      padding: padding)
  }

  /// For example `N=2 Cin=3 Cout=4 L=3 K=7 s=1 d=1 pad=same bias relu`.
  var label: String {
    "N=\(batch) Cin=\(inputChannels) Cout=\(outputChannels) L=\(length) K=\(kernelSize)"
      + " s=\(stride) d=\(dilation) pad=\(padding)" + (hasBias ? " bias" : " no bias")
      + (activation == .relu ? " relu" : "")
  }
}

/// The op under test in a conv1d-shaped parity case: conv1d itself, or the projection, which
/// takes a stride in place of a geometry.
enum Conv1dParityOp: String, Sendable {
  case conv1d
  case projection

  func forward(
    _ backend: Backend, _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ y: Tensor,
    _ g: Conv1dGeometry, _ activation: Activation
  ) throws {
    switch self {
    case .conv1d:
      try backend.conv1dForward(
        input: x, weight: w, bias: b, output: y, geometry: g, activation: activation)
    case .projection:
      try backend.projectionForward(
        input: x, weight: w, bias: b, output: y, stride: g.stride, activation: activation)
    }
  }

  func backwardInput(
    _ backend: Backend, _ dy: Tensor, _ w: Tensor, _ dx: Tensor, _ g: Conv1dGeometry,
    _ mode: GradientMode
  ) throws {
    switch self {
    case .conv1d:
      try backend.conv1dBackwardInput(
        outputGradient: dy, weight: w, inputGradient: dx, geometry: g, mode: mode)
    case .projection:
      try backend.projectionBackwardInput(
        outputGradient: dy, weight: w, inputGradient: dx, stride: g.stride, mode: mode)
    }
  }

  func backwardWeight(
    _ backend: Backend, _ dy: Tensor, _ x: Tensor, _ dw: Tensor, _ db: Tensor?,
    _ g: Conv1dGeometry, _ mode: GradientMode
  ) throws {
    switch self {
    case .conv1d:
      try backend.conv1dBackwardWeight(
        outputGradient: dy, input: x, weightGradient: dw, biasGradient: db, geometry: g,
        mode: mode)
    case .projection:
      try backend.projectionBackwardWeight(
        outputGradient: dy, input: x, weightGradient: dw, biasGradient: db, stride: g.stride,
        mode: mode)
    }
  }
}

/// The kernel variants a conv1d parity case runs with, and the case's shape label.
struct Conv1dParityKernels: Sendable {
  var variants: KernelVariants
  var label: String

  /// Returns the device backend of `run` switched to `variants`, on the same OpenCL context, so
  /// any variant runs on whatever device the suite checks.
  func backend(_ run: ParityRun) -> Backend {
    guard let device = run.device as? OpenCLBackend else { return run.device }
    return OpenCLBackend(context: device.context, variants: variants)
  }
}
