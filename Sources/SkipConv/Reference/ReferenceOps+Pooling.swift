extension ReferenceOps {
  /// Returns the valid length of each `(n, c)` row of x `[N, C, L]`: `min(max(lengths[n], 1), L)`,
  /// or L for every row when `lengths` is nil.
  ///
  /// `rows` is `N * C` and lengths `[N]`, so C is `rows / N`.
  public static func validLengths(_ lengths: [Int32]?, rows: Int, length: Int) -> [Int] {
    guard let lengths, !lengths.isEmpty else {
      return [Int](repeating: length, count: rows)
    }
    let channels = rows / lengths.count
    return (0..<rows).map { row in
      min(max(Int(lengths[row / channels]), 1), length)
    }
  }

  /// Computes `y[n,c] = max_{l < length} x[n,c,l]` and the first `l` that reaches it, where
  /// `length` is the valid length of row n (see `validLengths`).
  ///
  /// x `[N, C, L]` with `L = length >= 1`, lengths `[N]` or nil; returns y `[N, C]` and argmax
  /// `[N, C]`.
  public static func maxPoolForward<T: BinaryFloatingPoint>(
    input: [T], length: Int, lengths: [Int32]? = nil
  ) -> (y: [T], argmax: [Int32]) {
    let rows = input.count / length
    let valid = validLengths(lengths, rows: rows, length: length)
    var y = [T](repeating: 0, count: rows)
    var argmax = [Int32](repeating: 0, count: rows)
    for row in 0..<rows {
      var best = 0
      for l in 1..<valid[row] where input[row * length + l] > input[row * length + best] {
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

  /// Computes `y[n,c] = (1/length) sum_{l < length} x[n,c,l]`, where `length` is the valid length
  /// of row n (see `validLengths`).
  ///
  /// x `[N, C, L]` with `L = length >= 1`, lengths `[N]` or nil; returns y `[N, C]`.
  public static func meanPoolForward<T: BinaryFloatingPoint>(
    input: [T], length: Int, lengths: [Int32]? = nil
  ) -> [T] {
    let x = doubles(input)
    let rows = x.count / length
    let valid = validLengths(lengths, rows: rows, length: length)
    var y = [Double](repeating: 0, count: rows)
    for row in 0..<rows {
      var sum = 0.0
      for l in 0..<valid[row] {
        sum += x[row * length + l]
      }
      y[row] = sum / Double(valid[row])
    }
    return rounded(y)
  }

  /// Spreads `dy[n,c]` evenly over the valid length of row n: `dx[n,c,l] = dy[n,c] / length` for
  /// `l < length`, and 0 past it.
  ///
  /// dy `[N, C]`, lengths `[N]` or nil; returns dx `[N, C, L]` with `L = length`.
  public static func meanPoolBackward<T: BinaryFloatingPoint>(
    outputGradient: [T], length: Int, lengths: [Int32]? = nil
  ) -> [T] {
    let dy = doubles(outputGradient)
    let valid = validLengths(lengths, rows: dy.count, length: length)
    var dx = [Double](repeating: 0, count: dy.count * length)
    for row in dy.indices {
      for l in 0..<valid[row] {
        dx[row * length + l] = dy[row] / Double(valid[row])
      }
    }
    return rounded(dx)
  }

  /// Returns x with `x[n,c,l] = 0` for every `l` at or past the valid length of row n (see
  /// `validLengths`).
  ///
  /// x `[N, C, L]` with `L = length`, lengths `[N]`; returns `[N, C, L]`.
  public static func sequenceMask<T: BinaryFloatingPoint>(
    _ input: [T], length: Int, lengths: [Int32]
  ) -> [T] {
    guard length > 0 else { return input }
    let rows = input.count / length
    let valid = validLengths(lengths, rows: rows, length: length)
    var y = input
    for row in 0..<rows {
      for l in valid[row]..<length {
        y[row * length + l] = 0
      }
    }
    return y
  }
}
