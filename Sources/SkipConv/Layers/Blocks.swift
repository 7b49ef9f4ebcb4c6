/// A block of the convolutional trunk: `[N, Cin, L] -> [N, Cout, Lout]`.
protocol Block: AnyObject {
  var parameters: [Parameter] { get }
  var initializers: [(Parameter, Initializer)] { get }
  var outputChannels: Int { get }
  func outputLength(_ inputLength: Int) throws -> Int
  /// Computes the output of `x`. `lengths [N]` (int32) are the valid lengths of the output rows.
  /// A block uses them to zero the padding of an inner activation, and the caller masks the
  /// output itself.
  func forward(_ x: Tensor, lengths: Tensor) throws -> Tensor
  /// Overwrites the parameter gradients and `dx` from `dy`, which it may change in place.
  func backward(_ dy: Tensor, inputGradient dx: Tensor) throws
}

/// Returns the padding of a block's convolution: `same` at stride 1, and at stride 2 the same
/// left and right split, so that the output length `(L - 1) / stride + 1` matches the strided
/// projection beside it.
func blockPadding(kernelSize: Int, dilation: Int, stride: Int) -> Padding {
  if stride == 1 {
    return .same
  }
  let total = dilation * (kernelSize - 1)
  return .explicit(left: total / 2, right: total - total / 2)
}

/// Adds the skip path's gradient `dsum` into `dx`: through the projection when there is one, else
/// directly (the skip is the identity).
func addSkipGradient(
  _ dsum: Tensor, projection: Projection?, into dx: Tensor, backend: Backend
) throws {
  if let projection {
    try projection.backward(dsum, inputGradient: dx, mode: .accumulate)
  } else {
    try backend.residualAddForward(dx, dsum, output: dx, activation: .none)
  }
}

/// `y = relu(conv2(relu(conv1(x))) + g(x))`, where `g` is the identity when shapes match and a
/// strided 1x1 projection when channels or length change.
final class ResidualBlock: Block {
  let conv1: Conv1dLayer
  let conv2: Conv1dLayer
  let projection: Projection?
  private let backend: Backend
  private let workspace: Workspace
  private var output: Tensor?

  init(
    name: String, inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
    dilation: Int, backend: Backend
  ) throws {
    self.backend = backend
    workspace = Workspace(backend: backend)
    conv1 = try Conv1dLayer(
      name: "\(name).conv1", inputChannels: inputChannels, outputChannels: outputChannels,
      kernelSize: kernelSize, stride: stride, dilation: dilation,
      padding: blockPadding(kernelSize: kernelSize, dilation: dilation, stride: stride),
      activation: .relu, backend: backend)
    conv2 = try Conv1dLayer(
      name: "\(name).conv2", inputChannels: outputChannels, outputChannels: outputChannels,
      kernelSize: kernelSize, dilation: dilation, padding: .same, activation: .none,
      backend: backend)
    projection = inputChannels == outputChannels && stride == 1
      ? nil
      : try Projection(
        name: "\(name).projection", inputChannels: inputChannels,
        outputChannels: outputChannels, stride: stride, backend: backend)
  }

  var outputChannels: Int { conv2.outputChannels }
  var parameters: [Parameter] { conv1.parameters + conv2.parameters + (projection?.parameters ?? []) }
  var initializers: [(Parameter, Initializer)] {
    conv1.initializers + conv2.initializers + (projection?.initializers ?? [])
  }

  func outputLength(_ inputLength: Int) throws -> Int {
    try conv1.outputLength(inputLength)
  }

  /// Zeroes the padding of conv1's output before conv2 reads it, as the caller does for the
  /// block input, so that conv2 reads the zeros that an unpadded row gets from `same` padding.
  /// conv1's ReLU backward then gives the padding no gradient, because the output there is 0.
  func forward(_ x: Tensor, lengths: Tensor) throws -> Tensor {
    let hidden = try conv1.forward(x)
    try backend.sequenceMask(hidden, lengths: lengths)
    let residual = try conv2.forward(hidden)
    let skip = try projection?.forward(x) ?? x
    let y = try workspace.tensor("y", residual.shape)
    try backend.residualAddForward(residual, skip, output: y, activation: .relu)
    output = y
    return y
  }

  func backward(_ dy: Tensor, inputGradient dx: Tensor) throws {
    guard let output else {
      throw ShapeError(op: "residual block", "backward called before forward")
    }
    // Gradient of the sum, shared by both paths.
    let dsum = try workspace.tensor("dsum", output.shape)
    try backend.residualAddBackward(
      outputGradient: dy, output: output, sumGradient: dsum, activation: .relu, mode: .overwrite)

    // Convolution path; conv1 masks dhidden by its ReLU.
    let dhidden = try workspace.tensor("dhidden", conv2.output?.shape ?? output.shape)
    try conv2.backward(dsum, inputGradient: dhidden, mode: .overwrite)
    try conv1.backward(dhidden, inputGradient: dx, mode: .overwrite)

    // Skip path.
    try addSkipGradient(dsum, projection: projection, into: dx, backend: backend)
  }
}

/// `y = T*H + (1-T)*g(x)` with `H = relu(conv_h(x))` and the transform gate
/// `T = sigmoid(conv_t(x))`, whose bias starts at -2 so the block starts close to carrying `g(x)`.
/// `g` is the identity, or a 1x1 projection when channels or length change.
final class HighwayBlock: Block {
  let convH: Conv1dLayer
  let convT: Conv1dLayer
  let projection: Projection?
  private let backend: Backend
  private let workspace: Workspace
  private var carry: Tensor?
  /// The gate bias at initialisation: `sigmoid(-2) = 0.12`, so 88% of `g(x)` passes at first.
  static let initialGateBias: Float = -2

  init(
    name: String, inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int,
    dilation: Int, backend: Backend
  ) throws {
    self.backend = backend
    workspace = Workspace(backend: backend)
    let padding = blockPadding(kernelSize: kernelSize, dilation: dilation, stride: stride)
    convH = try Conv1dLayer(
      name: "\(name).conv_h", inputChannels: inputChannels, outputChannels: outputChannels,
      kernelSize: kernelSize, stride: stride, dilation: dilation, padding: padding,
      activation: .none, backend: backend)
    convT = try Conv1dLayer(
      name: "\(name).conv_t", inputChannels: inputChannels, outputChannels: outputChannels,
      kernelSize: kernelSize, stride: stride, dilation: dilation, padding: padding,
      activation: .none, backend: backend)
    projection = inputChannels == outputChannels && stride == 1
      ? nil
      : try Projection(
        name: "\(name).projection", inputChannels: inputChannels,
        outputChannels: outputChannels, stride: stride, backend: backend)
  }

  var outputChannels: Int { convH.outputChannels }
  var parameters: [Parameter] { convH.parameters + convT.parameters + (projection?.parameters ?? []) }
  var initializers: [(Parameter, Initializer)] {
    convH.initializers + [(convT.weight, convT.initializers[0].1)]
      + [(convT.bias, .constant(Self.initialGateBias))] + (projection?.initializers ?? [])
  }

  func outputLength(_ inputLength: Int) throws -> Int {
    try convH.outputLength(inputLength)
  }

  /// Both convolutions read the block input, so no inner activation needs `lengths`.
  func forward(_ x: Tensor, lengths: Tensor) throws -> Tensor {
    let hidden = try convH.forward(x)
    let transform = try convT.forward(x)
    let carry = try projection?.forward(x) ?? x
    let y = try workspace.tensor("y", hidden.shape)
    try backend.highwayGateForward(
      transformInput: transform, hiddenInput: hidden, carry: carry, output: y)
    self.carry = carry
    return y
  }

  func backward(_ dy: Tensor, inputGradient dx: Tensor) throws {
    guard let carry, let hidden = convH.output, let transform = convT.output else {
      throw ShapeError(op: "highway block", "backward called before forward")
    }
    // Gradients of the gate's three inputs.
    let dtransform = try workspace.tensor("dtransform", transform.shape)
    let dhidden = try workspace.tensor("dhidden", hidden.shape)
    let dcarry = try workspace.tensor("dcarry", carry.shape)
    try backend.highwayGateBackward(
      outputGradient: dy, transformInput: transform, hiddenInput: hidden, carry: carry,
      transformGradient: dtransform, hiddenGradient: dhidden, carryGradient: dcarry,
      mode: .overwrite)

    // Both convolutions read x, so the second one adds to dx.
    try convT.backward(dtransform, inputGradient: dx, mode: .overwrite)
    try convH.backward(dhidden, inputGradient: dx, mode: .accumulate)

    // Carry path.
    try addSkipGradient(dcarry, projection: projection, into: dx, backend: backend)
  }
}
