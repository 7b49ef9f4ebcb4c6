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

/// Padded windows of input rows, as conv1d_pad_input writes them. Padded position p of a row
/// (input position `(p - offset) / upsample`) goes to phase `p % stride` at index `p / stride`,
/// so tap k of output t reads phase `(k*d) % stride` at `t + (k*d) / stride`. A layout contains
/// either whole rows, one window per phase row, or at unit stride the windows of the runs of
/// output positions near the ends of each row.
struct PaddedWindows {
  /// The left padding; negative values crop.
  var offset: Int
  var stride: Int
  /// Phases stored per row: only `min(stride, d*(K-1) + 1)` of them are ever read.
  var phases: Int
  var upsample: Int
  /// Positions per window.
  var length: Int
  /// Windows per phase row: the first `leftCount` start at multiples of `runWidth`, the others
  /// at `rightStart` plus multiples of `runWidth`.
  var count = 1
  var leftCount = 1
  var rightStart = 0
  var runWidth = 0

  /// Whole padded rows for `convolution` when the kernel covers output positions
  /// [0, coveredPositions).
  init(rowsOf convolution: BlockedConvolution, coveredPositions: Int) {
    let span = convolution.dilation * (convolution.kernelSize - 1)
    offset = convolution.padLeft
    stride = convolution.stride
    phases = min(convolution.stride, span + 1)
    upsample = convolution.upsample
    length = coveredPositions + span / convolution.stride
  }

  /// The windows of `count` runs of `runWidth` output positions of a unit-stride convolution:
  /// `leftCount` runs from the start of a row and the rest from run `firstRight` on.
  init(
    edgesOf convolution: BlockedConvolution, runWidth: Int, leftCount: Int, firstRight: Int,
    count: Int
  ) {
    offset = convolution.padLeft
    stride = 1
    phases = 1
    upsample = 1
    length = runWidth + convolution.dilation * (convolution.kernelSize - 1)
    self.count = count
    self.leftCount = leftCount
    rightStart = firstRight * runWidth
    self.runWidth = runWidth
  }

  /// Returns whether whole rows of `length` positions can be read in place: nothing to pad, split
  /// or upsample, and every position the kernel reads lies inside the row.
  func fitsInPlace(length rowLength: Int) -> Bool {
    count == 1 && offset == 0 && stride == 1 && upsample == 1 && length <= rowLength
  }
}

/// The input sources of conv1d_forward_blocked: `rows`, either the input itself or a padded
/// copy, and the windows in `edges` for the runs near the row ends that would read padding.
struct BlockedForwardInput {
  var rows: DeviceBuffer
  var rowLength: Int
  /// The index within a row of `rows` of padded position 0: `-padLeft` in place, 0 when padded.
  var shift: Int
  var phases: Int
  var edges: DeviceBuffer
  var leftEdgeRuns: Int
  var firstRightEdgeRun: Int
  var edgeRuns: Int
  var edgeLength: Int
}
