/// A 1-D convolution with bias and an optional fused ReLU: `[N, Cin, L] -> [N, Cout, Lout]`.
///
/// Weight `[Cout, Cin, K]` and bias `[Cout]`, named `<prefix>.weight` and `<prefix>.bias`.
final class Conv1dLayer {
  let weight: Parameter
  let bias: Parameter
  let inputChannels: Int
  let outputChannels: Int
  let kernelSize: Int
  let stride: Int
  let dilation: Int
  let padding: Padding
  let activation: Activation
  private let backend: Backend
  private let workspace: Workspace
  private var input: Tensor?
  private(set) var output: Tensor?
  private var geometry: Conv1dGeometry?

  init(
    name: String, inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
    dilation: Int = 1, padding: Padding, activation: Activation, backend: Backend
  ) throws {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.dilation = dilation
    self.padding = padding
    self.activation = activation
    self.backend = backend
    workspace = Workspace(backend: backend)
    weight = try Parameter(
      name: "\(name).weight", shape: [outputChannels, inputChannels, kernelSize], backend: backend)
    bias = try Parameter(name: "\(name).bias", shape: [outputChannels], backend: backend)
  }

  var parameters: [Parameter] { [weight, bias] }

  /// The initial values of the weight and bias, PyTorch's `Conv1d` default.
  var initializers: [(Parameter, Initializer)] {
    let fanIn = inputChannels * kernelSize
    return [(weight, .fanInUniform(fanIn: fanIn)), (bias, .fanInUniform(fanIn: fanIn))]
  }

  func outputLength(_ inputLength: Int) throws -> Int {
    try makeGeometry(batch: 1, length: inputLength).outputLength
  }

  private func makeGeometry(batch: Int, length: Int) throws -> Conv1dGeometry {
    try Conv1dGeometry(
      batch: batch, inputChannels: inputChannels, outputChannels: outputChannels,
      inputLength: length, kernelSize: kernelSize, stride: stride, dilation: dilation,
      padding: padding)
  }

  /// Computes the output from `x [N, Cin, L]`, keeping `x` for the backward pass.
  func forward(_ x: Tensor) throws -> Tensor {
    let geometry = try makeGeometry(batch: x.shape[0], length: x.shape[2])
    let y = try workspace.tensor("y", geometry.outputShape)
    try backend.conv1dForward(
      input: x, weight: weight.value, bias: bias.value, output: y, geometry: geometry,
      activation: activation)
    self.input = x
    self.output = y
    self.geometry = geometry
    return y
  }

  /// Writes the weight and bias gradients for `dy` (the gradient of the output, after the
  /// activation; each parameter has one use per step, so its gradient is overwritten) and writes
  /// or adds the input gradient into `dx` when given.
  ///
  /// With a fused ReLU, `dy` is masked in place by `[y > 0]` first.
  func backward(_ dy: Tensor, inputGradient dx: Tensor?, mode: GradientMode) throws {
    guard let input, let output, let geometry else {
      throw ShapeError(op: "conv1d", "backward called before forward")
    }
    if activation == .relu {
      try backend.reluBackward(output: output, gradient: dy)
    }
    try backend.conv1dBackwardWeight(
      outputGradient: dy, input: input, weightGradient: weight.gradient,
      biasGradient: bias.gradient, geometry: geometry, mode: .overwrite)
    if let dx {
      try backend.conv1dBackwardInput(
        outputGradient: dy, weight: weight.value, inputGradient: dx, geometry: geometry, mode: mode)
    }
  }
}
