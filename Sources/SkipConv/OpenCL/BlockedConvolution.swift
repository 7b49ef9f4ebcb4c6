/// The sizes of one conv1d_forward_blocked launch.
///
/// The forward pass uses the geometry as it is. The backward input pass runs the same kernel on
/// the transposed convolution: dy becomes the input, the kernel is reversed and transposed, the
/// left padding becomes `d*(K-1) - padLeft` (negative values crop), and a stride becomes an
/// upsampling of dy by zero insertion, so the kernel always runs at unit stride there.
struct BlockedConvolution {
  var batch: Int
  var inputChannels: Int
  var outputChannels: Int
  var inputLength: Int
  var outputLength: Int
  var kernelSize: Int
  var dilation: Int
  var stride: Int
  var padLeft: Int
  /// Zeros inserted between inputs plus one: input position p sits at padded position
  /// `padLeft + p * upsample`.
  var upsample = 1
  /// Whether the weights are read as the reversed, transposed kernel of a backward input pass.
  var flipsWeight = false

  init(forward g: Conv1dGeometry) {
    batch = g.batch
    inputChannels = g.inputChannels
    outputChannels = g.outputChannels
    inputLength = g.inputLength
    outputLength = g.outputLength
    kernelSize = g.kernelSize
    dilation = g.dilation
    stride = g.stride
    padLeft = g.padLeft
  }

  /// dx [N, Cin, L] as a unit-stride convolution of dy [N, Cout, Lout], upsampled by the stride,
  /// with the reversed kernel.
  init(backwardInput g: Conv1dGeometry) {
    self.init(forward: g)
    inputChannels = g.outputChannels
    outputChannels = g.inputChannels
    inputLength = g.outputLength
    outputLength = g.inputLength
    stride = 1
    padLeft = g.dilation * (g.kernelSize - 1) - g.padLeft
    upsample = g.stride
    flipsWeight = true
  }

  /// The dx of a strided 1x1 projection at the sampled positions only: [N, Cin, Lout] from
  /// dy [N, Cout, Lout] and the transposed weights.
  init(compactBackwardInput g: Conv1dGeometry) {
    self.init(backwardInput: g)
    outputLength = g.outputLength
    padLeft = 0
    upsample = 1
  }
}

/// How conv1d_pad_input lays out the rows that a blocked kernel reads. Padded position p of a row
/// (input position `(p - offset) / upsample`) goes to phase `p % stride` at index `p / stride`, so
/// tap k of output t reads phase `(k*d) % stride` at `t + (k*d) / stride`.
struct BlockedRowLayout {
  /// The left padding; negative values crop.
  var offset: Int
  var stride: Int
  /// Phases stored per row: only `min(stride, d*(K-1) + 1)` of them are ever read.
  var phases: Int
  var upsample: Int
  /// Positions per phase row.
  var rowLength: Int

  /// The layout for `convolution` when the kernel covers output positions [0, coveredPositions).
  init(_ convolution: BlockedConvolution, coveredPositions: Int) {
    let span = convolution.dilation * (convolution.kernelSize - 1)
    offset = convolution.padLeft
    stride = convolution.stride
    phases = min(convolution.stride, span + 1)
    upsample = convolution.upsample
    rowLength = coveredPositions + span / convolution.stride
  }

  /// Whether the kernel can read unpadded rows of `length` positions in place: nothing to pad,
  /// split or upsample, and every position it reads lies inside the row.
  func fitsInPlace(length: Int) -> Bool {
    offset == 0 && stride == 1 && upsample == 1 && rowLength <= length
  }
}
