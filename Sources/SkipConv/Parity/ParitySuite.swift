/// One row of the parity table: an op, a pass and a shape, checked on a device against the
/// reference.
public struct ParityCase: Sendable {
  /// Op stem, as in the kernel file and the `Backend` method: `conv1d`, `highway_gate`.
  public var op: String
  /// `forward`, `backward_input`, `backward_weight` and so on, with `+acc` when the pass
  /// accumulates onto a non-zero gradient.
  public var pass: String
  /// The sizes, for example `N=64 Cin=256 Cout=256 L=128 K=3 s=1 d=1 pad=(1,1)`.
  public var shape: String
  /// Runs the case with fresh random inputs drawn from `run.random` and returns the comparison of
  /// every output it checks.
  public var body: @Sendable (ParityRun) throws -> [ParityCheck]

  public init(
    op: String, pass: String, shape: String, body: @escaping @Sendable (ParityRun) throws -> [ParityCheck]
  ) {
    self.op = op
    self.pass = pass
    self.shape = shape
    self.body = body
  }
}

/// The comparison of one output tensor of a case.
public struct ParityCheck: Sendable {
  /// Which output: `y`, `dx`, `dw`, `db`, or a determinism check such as `dw bitwise`.
  public var output: String
  public var metrics: ErrorMetrics
  /// Set when the check is a bitwise comparison of two device runs; it passes only at zero error.
  public var bitwise: Bool

  public init(output: String, metrics: ErrorMetrics, bitwise: Bool = false) {
    self.output = output
    self.metrics = metrics
    self.bitwise = bitwise
  }

  public func passes(tolerance: Double) -> Bool {
    bitwise ? metrics.nonFiniteCount == 0 && metrics.maxAbsolute == 0
      : metrics.passes(tolerance: tolerance)
  }
}

/// The result of one case: each output's check, or the error that stopped the case.
public struct ParityResult: Sendable {
  public var parityCase: ParityCase
  public var checks: [ParityCheck]
  public var error: String?
  public var tolerance: Double

  public var passed: Bool {
    error == nil && !checks.isEmpty && checks.allSatisfy { $0.passes(tolerance: tolerance) }
  }

  /// The check with the largest relative error, which the one-line report shows.
  public var worst: ParityCheck? {
    checks.first { !$0.passes(tolerance: tolerance) }
      ?? checks.max { $0.metrics.relativeL2 < $1.metrics.relativeL2 }
  }
}

/// Runs parity cases on a device backend against the CPU reference.
public struct ParitySuite {
  public var tolerance: Double = ErrorMetrics.defaultTolerance
  public var seed: UInt64

  public init(seed: UInt64 = 20_241_204, tolerance: Double = ErrorMetrics.defaultTolerance) {
    self.seed = seed
    self.tolerance = tolerance
  }

  /// Every case, or a smaller set (one or two shapes per op and pass) when `quick` is set.
  public static func cases(quick: Bool) -> [ParityCase] {
    ParityTable.all(quick: quick)
  }

  /// Runs one case with inputs seeded from the suite seed and the case's position in the table,
  /// so a case gives the same inputs whichever others run.
  public func run(_ parityCase: ParityCase, index: Int, device: Backend) -> ParityResult {
    let run = ParityRun(
      reference: ReferenceBackend(), device: device,
      seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
    do {
      let checks = try parityCase.body(run)
      return ParityResult(parityCase: parityCase, checks: checks, error: nil, tolerance: tolerance)
    } catch {
      return ParityResult(
        parityCase: parityCase, checks: [], error: "\(error)", tolerance: tolerance)
    }
  }
}
