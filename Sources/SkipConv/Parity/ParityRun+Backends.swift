extension ParityRun {
  /// Runs `body` on the reference backend and then on the device backend, passing each the
  /// backend and the accessor that picks its tensor out of a pair.
  public func onBothBackends(_ body: (Backend, (Pair) -> Tensor) throws -> Void) throws {
    try body(reference, { $0.reference })
    try body(device, { $0.device })
  }

  /// Makes a pair of int32 tensors of uniform random values in `range`.
  public func randomIntegers(_ shape: [Int], in range: Range<Int32>) throws -> Pair {
    let values = (0..<shape.reduce(1, *)).map { _ in Int32.random(in: range, using: &random) }
    return try integers(shape, values: values)
  }

  /// Checks that the device tensor of `pair` is zero exactly where its reference tensor is zero,
  /// as a bitwise check named `name`.
  public func compareZeros(_ pair: Pair, _ name: String) throws -> ParityCheck {
    let expected: [Float] = try reference.download(pair.reference)
    let actual: [Float] = try device.download(pair.device)
    return ParityCheck(
      output: name,
      metrics: ErrorMetrics(
        actual.map { $0 == 0 ? 0 : 1 }, reference: expected.map { $0 == 0 ? 0 : 1 }),
      bitwise: true)
  }
}

/// Writes a shape as letters and sizes, for example `N=64 C=256 L=33`.
func shapeLabel(_ names: String, _ sizes: [Int]) -> String {
  zip(names.split(separator: " "), sizes).map { "\($0)=\($1)" }.joined(separator: " ")
}
