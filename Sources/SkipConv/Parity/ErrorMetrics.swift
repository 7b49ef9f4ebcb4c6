import Foundation

/// How far a result is from its reference: the parity metric and where the worst element is.
public struct ErrorMetrics: Sendable, CustomStringConvertible {
  /// `||out - ref|| / ||ref||` over all elements (the absolute L2 error when `ref` is all zero).
  public var relativeL2: Double
  public var maxAbsolute: Double
  /// Flat index of the element with the largest absolute error.
  public var maxAbsoluteIndex: Int
  /// Number of NaN or infinite values in the result.
  public var nonFiniteCount: Int
  /// Flat index of the first NaN or infinite value, if any.
  public var firstNonFiniteIndex: Int?

  /// Compares `result` with `reference`, which must have the same count.
  public init(_ result: [Float], reference: [Float]) {
    precondition(result.count == reference.count, "result and reference differ in length")
    var difference = 0.0
    var norm = 0.0
    var maxAbsolute = 0.0
    var maxIndex = 0
    var nonFinite = 0
    var firstNonFinite: Int?
    for i in result.indices {
      let value = Double(result[i])
      let expected = Double(reference[i])
      guard value.isFinite else {
        nonFinite += 1
        firstNonFinite = firstNonFinite ?? i
        continue
      }
      let error = abs(value - expected)
      difference += error * error
      norm += expected * expected
      if error > maxAbsolute {
        maxAbsolute = error
        maxIndex = i
      }
    }
    self.relativeL2 = norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
    self.maxAbsolute = maxAbsolute
    self.maxAbsoluteIndex = maxIndex
    self.nonFiniteCount = nonFinite
    self.firstNonFiniteIndex = firstNonFinite
  }

  /// True when no value is NaN or infinite and the relative L2 error is below `tolerance`.
  public func passes(tolerance: Double = ErrorMetrics.defaultTolerance) -> Bool {
    nonFiniteCount == 0 && relativeL2 < tolerance
  }

  /// The fp32 parity bound: relative L2 error under 1e-5.
  public static let defaultTolerance = 1e-5

  public var description: String {
    var text = "relative L2 error \(formatScientific(relativeL2)), max abs error "
      + "\(formatScientific(maxAbsolute)) at index \(maxAbsoluteIndex)"
    if let index = firstNonFiniteIndex {
      text += ", \(nonFiniteCount) NaN/Inf values (first at index \(index))"
    }
    return text
  }
}

/// Formats a non-negative error as `1.23e-06`.
public func formatScientific(_ value: Double) -> String {
  String(format: "%.2e", value)
}
