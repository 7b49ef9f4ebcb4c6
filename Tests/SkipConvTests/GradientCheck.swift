import XCTest

@testable import SkipConv

/// The step of the central differences: small enough that the truncation error (about
/// `step^2 * f'''`) is near 1e-12, large enough that rounding in the loss (about 1e-16 of its size,
/// divided by `2 * step`) stays near 1e-9.
let finiteDifferenceStep = 1e-6

/// The largest relative L2 error `||analytic - numeric|| / ||numeric||` a correct gradient shows.
/// Correct gradients measure near 1e-9 (the rounding bound above, and no truncation error on
/// piecewise linear ops); a wrong index or a missing term gives errors near 1e-1, so 1e-6 leaves
/// room on both sides.
let gradientTolerance = 1e-6

extension SeededGenerator {
  /// `count` uniform `Double` values in `range`, from the top 53 bits of each draw.
  mutating func doubles(_ count: Int, in range: Range<Double> = -1..<1) -> [Double] {
    (0..<count).map { _ in
      let unit = Double(next() >> 11) / Double(1 << 53)
      return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
  }
}

/// `sum(y * r)`, the scalar loss whose gradient with respect to `y` is `r`.
func weightedSum(_ y: [Double], _ r: [Double]) -> Double {
  precondition(y.count == r.count, "output and loss weights differ in length")
  var sum = 0.0
  for i in y.indices {
    sum += y[i] * r[i]
  }
  return sum
}

/// The central-difference gradient of `loss` at `point`, one coordinate at a time.
func numericalGradient(at point: [Double], _ loss: ([Double]) -> Double) -> [Double] {
  var shifted = point
  return point.indices.map { i in
    shifted[i] = point[i] + finiteDifferenceStep
    let above = loss(shifted)
    shifted[i] = point[i] - finiteDifferenceStep
    let below = loss(shifted)
    shifted[i] = point[i]
    return (above - below) / (2 * finiteDifferenceStep)
  }
}

/// `||a - b|| / ||b||`, or `||a - b||` when `b` is all zero.
func relativeL2Error(_ a: [Double], _ b: [Double]) -> Double {
  var difference = 0.0
  var norm = 0.0
  for i in a.indices {
    difference += (a[i] - b[i]) * (a[i] - b[i])
    norm += b[i] * b[i]
  }
  return norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
}

/// Asserts that `analytic` matches the central-difference gradient of `loss` at `point`,
/// naming `context` (op, gradient and shape) on failure.
func assertGradient(
  _ analytic: [Double], at point: [Double], _ context: @autoclosure () -> String,
  file: StaticString = #filePath, line: UInt = #line, loss: ([Double]) -> Double
) {
  XCTAssertEqual(
    analytic.count, point.count, "\(context()): gradient length", file: file, line: line)
  guard analytic.count == point.count else { return }
  let numeric = numericalGradient(at: point, loss)
  XCTAssertTrue(
    numeric.contains { $0 != 0 }, "\(context()): the loss does not depend on this input",
    file: file, line: line)
  let error = relativeL2Error(analytic, numeric)
  XCTAssertLessThan(
    error, gradientTolerance, "\(context()): relative L2 error against finite differences",
    file: file, line: line)
}
