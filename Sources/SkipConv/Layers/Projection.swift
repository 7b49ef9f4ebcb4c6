/// A 1x1 convolution, optionally strided, on a skip path where channels or length change:
/// `[N, Cin, L] -> [N, Cout, (L - 1) / stride + 1]`. Weight `[Cout, Cin, 1]`, bias `[Cout]`.
final class Projection {
  let weight: Parameter
  let bias: Parameter
  let inputChannels: Int
  let outputChannels: Int
  let stride: Int
  private let backend: Backend
  private let workspace: Workspace
  private var input: Tensor?

  init(name: String, inputChannels: Int, outputChannels: Int, stride: Int, backend: Backend)
    throws
  {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.stride = stride
    self.backend = backend
    workspace = Workspace(backend: backend)
    weight = try Parameter(
      name: "\(name).weight", shape: [outputChannels, inputChannels, 1], backend: backend)
    bias = try Parameter(name: "\(name).bias", shape: [outputChannels], backend: backend)
  }

  var parameters: [Parameter] { [weight, bias] }

  var initializers: [(Parameter, Initializer)] {
    [(weight, .fanInUniform(fanIn: inputChannels)), (bias, .fanInUniform(fanIn: inputChannels))]
  }

  func forward(_ x: Tensor) throws -> Tensor {
    let length = (x.shape[2] - 1) / stride + 1
    let y = try workspace.tensor("y", [x.shape[0], outputChannels, length])
    try backend.projectionForward(
      input: x, weight: weight.value, bias: bias.value, output: y, stride: stride,
      activation: .none)
    input = x
    return y
  }

  /// Overwrites the parameter gradients and writes or adds the input gradient into `dx`.
  func backward(_ dy: Tensor, inputGradient dx: Tensor, mode: GradientMode) throws {
    guard let input else {
      throw ShapeError(op: "projection", "backward called before forward")
    }
    try backend.projectionBackwardWeight(
      outputGradient: dy, input: input, weightGradient: weight.gradient,
      biasGradient: bias.gradient, stride: stride, mode: .overwrite)
    try backend.projectionBackwardInput(
      outputGradient: dy, weight: weight.value, inputGradient: dx, stride: stride, mode: mode)
  }
}
