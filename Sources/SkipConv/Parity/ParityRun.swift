/// The two backends of a parity case and the random source of its inputs. Tensors come in pairs,
/// one per backend, holding the same values.
public final class ParityRun {
  public let reference: Backend
  public let device: Backend
  public var random: SeededGenerator

  public init(reference: Backend, device: Backend, seed: UInt64) {
    self.reference = reference
    self.device = device
    self.random = SeededGenerator(seed: seed)
  }

  /// A tensor on each backend holding the same values.
  public struct Pair {
    public var reference: Tensor
    public var device: Tensor
  }

  /// A pair of float tensors of uniform random values in `range`.
  public func input(_ shape: [Int], in range: Range<Float> = -1..<1) throws -> Pair {
    try pair(shape, values: random.uniform(shape.reduce(1, *), in: range))
  }

  /// A pair of float tensors holding `values`.
  public func pair(_ shape: [Int], values: [Float]) throws -> Pair {
    let pair = Pair(
      reference: try reference.makeTensor(shape, .float32),
      device: try device.makeTensor(shape, .float32))
    try reference.upload(values, to: pair.reference)
    try device.upload(values, to: pair.device)
    return pair
  }

  /// A pair of int32 tensors holding `values`.
  public func integers(_ shape: [Int], values: [Int32]) throws -> Pair {
    let pair = Pair(
      reference: try reference.makeTensor(shape, .int32),
      device: try device.makeTensor(shape, .int32))
    try reference.upload(values, to: pair.reference)
    try device.upload(values, to: pair.device)
    return pair
  }

  /// An output pair filled with NaN, so that an element the op fails to write fails the check.
  public func output(_ shape: [Int], _ elementType: ElementType = .float32) throws -> Pair {
    let pair = Pair(
      reference: try reference.makeTensor(shape, elementType),
      device: try device.makeTensor(shape, elementType))
    try reference.fill(pair.reference, with: elementType == .float32 ? .nan : -1)
    try device.fill(pair.device, with: elementType == .float32 ? .nan : -1)
    return pair
  }

  /// A gradient output pair for `mode`: NaN-filled to overwrite, random non-zero to accumulate onto.
  public func gradient(_ shape: [Int], mode: GradientMode) throws -> Pair {
    switch mode {
    case .overwrite: return try output(shape)
    case .accumulate: return try input(shape, in: 0.5..<1.5)
    }
  }

  /// Compares the device tensor of `pair` with its reference tensor.
  public func compare(_ pair: Pair, _ name: String) throws -> ParityCheck {
    if pair.reference.elementType == .int32 {
      let expected: [Int32] = try reference.download(pair.reference)
      let actual: [Int32] = try device.download(pair.device)
      return ParityCheck(
        output: name,
        metrics: ErrorMetrics(actual.map(Float.init), reference: expected.map(Float.init)),
        bitwise: true)
    }
    let expected: [Float] = try reference.download(pair.reference)
    let actual: [Float] = try device.download(pair.device)
    return ParityCheck(output: name, metrics: ErrorMetrics(actual, reference: expected))
  }

  /// Runs `body` twice on the device and compares the device tensor of `pair` bitwise between the
  /// runs; `body` must overwrite `pair` completely.
  public func bitwiseRepeat(_ pair: Pair, _ name: String, _ body: () throws -> Void) throws
    -> ParityCheck
  {
    try body()
    let first: [Float] = try device.download(pair.device)
    try device.fill(pair.device, with: .nan)
    try body()
    let second: [Float] = try device.download(pair.device)
    return ParityCheck(
      output: "\(name) bitwise", metrics: ErrorMetrics(second, reference: first), bitwise: true)
  }
}

/// Pass labels for a backward pass in each gradient mode.
public func passLabel(_ pass: String, _ mode: GradientMode) -> String {
  mode == .accumulate ? "\(pass)+acc" : pass
}
