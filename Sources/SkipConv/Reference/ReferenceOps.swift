import Foundation

/// The math of every op as pure functions over flat row-major arrays, generic over the element
/// type so that tests can run the same code in `Double` that `ReferenceBackend` runs in `Float`.
///
/// Each function converts its inputs to `Double`, computes with plain loops, and rounds the
/// result to `T` once at the end. Shapes use the letters N batch, Cin and Cout channels, L input
/// length, Lout output length, K kernel width, E embedding width, V vocabulary, Y classes, I and O
/// the input and output widths of a linear layer. A gradient has its tensor's name with a `d`
/// prefix. Backward functions return freshly computed gradients, and `combine` applies the
/// `GradientMode` to them. The functions trust their callers for shapes and indices, because
/// `Validate` checks those before any function runs.
public enum ReferenceOps {
  /// Applies `mode` to a freshly computed `gradient`: the gradient itself for `.overwrite`, or
  /// `existing + gradient` for `.accumulate`.
  public static func combine<T: BinaryFloatingPoint>(
    _ gradient: [T], into existing: [T], mode: GradientMode
  ) -> [T] {
    switch mode {
    case .overwrite:
      return gradient
    case .accumulate:
      precondition(existing.count == gradient.count, "gradient and its buffer differ in length")
      return (0..<gradient.count).map { i in
        T(Double(existing[i]) + Double(gradient[i]))
      }
    }
  }

  static func doubles<T: BinaryFloatingPoint>(_ values: [T]) -> [Double] {
    values.map { Double($0) }
  }

  static func rounded<T: BinaryFloatingPoint>(_ values: [Double], as type: T.Type = T.self) -> [T] {
    values.map { T($0) }
  }

  static func relu(_ value: Double) -> Double {
    value > 0 ? value : 0
  }

  static func sigmoid(_ value: Double) -> Double {
    1 / (1 + exp(-value))
  }
}
