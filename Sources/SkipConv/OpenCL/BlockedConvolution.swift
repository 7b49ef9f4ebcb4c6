/// The sizes of one conv1d_forward_blocked launch.
///
/// The forward pass uses the geometry as it is. The backward input pass runs the same kernel on
/// the transposed convolution: dy becomes the input and the kernel is reversed and transposed.
/// Its left padding becomes `d*(K-1) - padLeft`, where negative values crop. A stride becomes an
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

  /// dx of a strided 1x1 projection at the sampled positions only: [N, Cin, Lout] from
  /// dy [N, Cout, Lout] and the transposed weights.
  init(compactBackwardInput g: Conv1dGeometry) {
    self.init(backwardInput: g)
    outputLength = g.outputLength
    padLeft = 0
    upsample = 1
  }
}

/// Windows of the padded input, as conv1d_pad_input writes them: [N][runs][C][phases][length].
/// Padded position p (input position `(p - offset) / upsample`) of run r goes to phase
/// `p % stride` at index `p / stride - r * runWidth`, so tap k of output t reads phase
/// `(k*d) % stride` at `t - r * runWidth + (k*d) / stride`. The forward kernel reads one window
/// per run of positions; the dw kernel reads one window per row (`runs` 1, `runWidth` 0).
struct PaddedWindows {
  /// The left padding; negative values crop.
  var offset: Int
  var stride: Int
  /// Phases stored per window: only `min(stride, d*(K-1) + 1)` of them are ever read.
  var phases: Int
  var upsample: Int
  var runs: Int
  var runWidth: Int
  /// Positions per phase of a window.
  var length: Int

  /// Windows for `runs` runs of `runWidth` output positions of `convolution`; with one run of
  /// width 0 and `coveredPositions` set, whole padded rows covering output positions
  /// [0, coveredPositions).
  init(
    _ convolution: BlockedConvolution, runs: Int, runWidth: Int, coveredPositions: Int? = nil
  ) {
    let span = convolution.dilation * (convolution.kernelSize - 1)
    offset = convolution.padLeft
    stride = convolution.stride
    phases = min(convolution.stride, span + 1)
    upsample = convolution.upsample
    self.runs = runs
    self.runWidth = runWidth
    length = (coveredPositions ?? runWidth) + span / convolution.stride
  }

  /// Returns whether whole rows of `rowLength` positions can be read in place: one window per
  /// row, nothing to pad, split or upsample, and every position the kernel reads inside the row.
  func fitsInPlace(rowLength: Int) -> Bool {
    runs == 1 && offset == 0 && stride == 1 && upsample == 1 && length <= rowLength
  }
}
