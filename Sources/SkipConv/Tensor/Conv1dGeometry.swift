/// How a 1-D convolution pads its input.
public enum Padding: Equatable, Sendable, CustomStringConvertible {
  /// No padding.
  case valid
  /// Keeps the length at stride 1: `dilation * (K - 1)` in total, the left half rounded down and
  /// the rest on the right, as PyTorch does (an even kernel pads one more on the right).
  case same
  /// `dilation * (K - 1)` on the left only, so output `t` sees inputs up to `t`.
  case causal
  case explicit(left: Int, right: Int)

  public var description: String {
    switch self {
    case .valid: return "valid"
    case .same: return "same"
    case .causal: return "causal"
    case .explicit(let left, let right): return "(\(left),\(right))"
    }
  }
}

/// The sizes of one 1-D convolution: input `[N, Cin, L]`, weight `[Cout, Cin, K]`, bias `[Cout]`,
/// output `[N, Cout, Lout]`.
public struct Conv1dGeometry: Equatable, Sendable, CustomStringConvertible {
  public var batch: Int
  public var inputChannels: Int
  public var outputChannels: Int
  public var inputLength: Int
  public var kernelSize: Int
  public var stride: Int
  public var dilation: Int
  public var padLeft: Int
  public var padRight: Int

  /// Makes a geometry, resolving `padding` to explicit left and right amounts.
  ///
  /// Throws `ShapeError` for non-positive sizes, `same` with a stride other than 1, or sizes that
  /// leave no output position.
  public init(
    batch: Int, inputChannels: Int, outputChannels: Int, inputLength: Int, kernelSize: Int,
    stride: Int = 1, dilation: Int = 1, padding: Padding = .valid
  ) throws {
    self.batch = batch
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.inputLength = inputLength
    self.kernelSize = kernelSize
    self.stride = stride
    self.dilation = dilation
    let span = dilation * (kernelSize - 1)
    switch padding {
    case .valid:
      (padLeft, padRight) = (0, 0)
    case .same:
      guard stride == 1 else {
        throw ShapeError(op: "conv1d", "padding 'same' needs stride 1, got stride \(stride)")
      }
      (padLeft, padRight) = (span / 2, span - span / 2)
    case .causal:
      (padLeft, padRight) = (span, 0)
    case .explicit(let left, let right):
      (padLeft, padRight) = (left, right)
    }
    try validate()
  }

  /// `Lout = floor((L + padLeft + padRight - dilation * (K - 1) - 1) / stride) + 1`.
  public var outputLength: Int {
    (inputLength + padLeft + padRight - dilation * (kernelSize - 1) - 1) / stride + 1
  }

  public var inputShape: [Int] { [batch, inputChannels, inputLength] }
  public var weightShape: [Int] { [outputChannels, inputChannels, kernelSize] }
  public var outputShape: [Int] { [batch, outputChannels, outputLength] }

  /// Multiply-adds of the forward pass times two: `2 * N * Cout * Lout * Cin * K`.
  public var forwardFLOPs: Double {
    2 * Double(batch) * Double(outputChannels) * Double(outputLength) * Double(inputChannels)
      * Double(kernelSize)
  }

  public var description: String {
    "N=\(batch) Cin=\(inputChannels) Cout=\(outputChannels) L=\(inputLength) K=\(kernelSize)"
      + " s=\(stride) d=\(dilation) pad=(\(padLeft),\(padRight))"
  }

  private func validate() throws {
    let sizes = [
      ("batch", batch), ("input channels", inputChannels), ("output channels", outputChannels),
      ("input length", inputLength), ("kernel size", kernelSize), ("stride", stride),
      ("dilation", dilation),
    ]
    for (name, value) in sizes where value < 1 {
      throw ShapeError(op: "conv1d", "\(name) must be at least 1, got \(value)")
    }
    guard padLeft >= 0, padRight >= 0 else {
      throw ShapeError(op: "conv1d", "padding must not be negative, got (\(padLeft),\(padRight))")
    }
    let paddedLength = inputLength + padLeft + padRight
    guard paddedLength >= dilation * (kernelSize - 1) + 1 else {
      throw ShapeError(
        op: "conv1d",
        "a kernel spanning \(dilation * (kernelSize - 1) + 1) positions does not fit an input of "
          + "length \(inputLength) padded to \(paddedLength)")
    }
  }
}
