extension ReferenceOps {
  /// Computes `y[n,c] = max_l x[n,c,l]` and the first `l` that reaches it.
  ///
  /// x `[N, C, L]` with `L = length >= 1`; returns y `[N, C]` and argmax `[N, C]`.
  public static func maxPoolForward<T: BinaryFloatingPoint>(input: [T], length: Int)
    -> (y: [T], argmax: [Int32])
  {
    let rows = input.count / length
    var y = [T](repeating: 0, count: rows)
    var argmax = [Int32](repeating: 0, count: rows)
    for row in 0..<rows {
      var best = 0
      for l in 1..<length where input[row * length + l] > input[row * length + best] {
        best = l
      }
      y[row] = input[row * length + best]
      argmax[row] = Int32(best)
    }
    return (y, argmax)
  }

  /// Routes `dy[n,c]` to `dx[n,c,argmax[n,c]]` and sets every other position of dx to 0.
  ///
  /// dy `[N, C]`, argmax `[N, C]` with values in `[0, L)`; returns dx `[N, C, L]`.
  public static func maxPoolBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], argmax: [Int32], length: Int
  ) -> [T] {
    var dx = [T](repeating: 0, count: outputGradient.count * length)
    for row in outputGradient.indices {
      dx[row * length + Int(argmax[row])] = outputGradient[row]
    }
    return dx
  }

  /// Computes `y[n,c] = (1/L) sum_l x[n,c,l]`.
  ///
  /// x `[N, C, L]` with `L = length >= 1`; returns y `[N, C]`.
  public static func meanPoolForward<T: BinaryFloatingPoint>(input: [T], length: Int) -> [T] {
    let x = doubles(input)
    let rows = x.count / length
    var y = [Double](repeating: 0, count: rows)
    for row in 0..<rows {
      var sum = 0.0
      for l in 0..<length {
        sum += x[row * length + l]
      }
      y[row] = sum / Double(length)
    }
    return rounded(y)
  }

  /// Spreads `dy[n,c]` evenly: `dx[n,c,l] = dy[n,c] / L`.
  ///
  /// dy `[N, C]`; returns dx `[N, C, L]` with `L = length`.
  public static func meanPoolBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], length: Int
  ) -> [T] {
    let dy = doubles(outputGradient)
    var dx = [Double](repeating: 0, count: dy.count * length)
    for row in dy.indices {
      for l in 0..<length {
        dx[row * length + l] = dy[row] / Double(length)
      }
    }
    return rounded(dx)
  }
}
