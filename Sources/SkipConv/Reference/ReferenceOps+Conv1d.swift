extension ReferenceOps {
  /// Computes `y[n,o,t] = act(b[o] + sum_{c,k} w[o,c,k] * x[n,c, t*s + k*d - padLeft])` for
  /// stride `s` and dilation `d`, reading out-of-range `x` as 0.
  ///
  /// x `[N, Cin, L]`, w `[Cout, Cin, K]`, b `[Cout]` (nil for no bias); returns
  /// y `[N, Cout, Lout]`.
  public static func conv1dForward<T: BinaryFloatingPoint>(
    input: [T], weight: [T], bias: [T]?, geometry g: Conv1dGeometry, activation: Activation
  ) -> [T] {
    let x = doubles(input)
    let w = doubles(weight)
    let b = bias.map { doubles($0) } ?? [Double](repeating: 0, count: g.outputChannels)
    let (cin, cout, length, outputLength) =
      (g.inputChannels, g.outputChannels, g.inputLength, g.outputLength)
    var y = [Double](repeating: 0, count: g.batch * cout * outputLength)
    for n in 0..<g.batch {
      for o in 0..<cout {
        for t in 0..<outputLength {
          var sum = b[o]
          for c in 0..<cin {
            for k in 0..<g.kernelSize {
              let i = t * g.stride + k * g.dilation - g.padLeft
              guard i >= 0, i < length else { continue }
              sum += w[(o * cin + c) * g.kernelSize + k] * x[(n * cin + c) * length + i]
            }
          }
          y[(n * cout + o) * outputLength + t] = activation == .relu ? relu(sum) : sum
        }
      }
    }
    return rounded(y)
  }

  /// Computes `dx[n,c,i] = sum_{o,k,t} w[o,c,k] * dy[n,o,t]` over the `(k, t)` with
  /// `t*stride + k*dilation - padLeft == i`: the transposed convolution. It walks the forward
  /// loops and adds each `w * dy` to the input element that the forward pass read, so all three
  /// conv1d functions share one index expression. Inputs that no output reads get 0.
  ///
  /// dy `[N, Cout, Lout]`, w `[Cout, Cin, K]`; returns dx `[N, Cin, L]`.
  public static func conv1dBackwardInput<T: BinaryFloatingPoint>(
    outputGradient: [T], weight: [T], geometry g: Conv1dGeometry
  ) -> [T] {
    let dy = doubles(outputGradient)
    let w = doubles(weight)
    let (cin, cout, length, outputLength) =
      (g.inputChannels, g.outputChannels, g.inputLength, g.outputLength)
    var dx = [Double](repeating: 0, count: g.batch * cin * length)
    for n in 0..<g.batch {
      for o in 0..<cout {
        for t in 0..<outputLength {
          let gradient = dy[(n * cout + o) * outputLength + t]
          for c in 0..<cin {
            for k in 0..<g.kernelSize {
              let i = t * g.stride + k * g.dilation - g.padLeft
              guard i >= 0, i < length else { continue }
              dx[(n * cin + c) * length + i] += w[(o * cin + c) * g.kernelSize + k] * gradient
            }
          }
        }
      }
    }
    return rounded(dx)
  }

  /// Computes `dw[o,c,k] = sum_{n,t} dy[n,o,t] * x[n,c, t*stride + k*dilation - padLeft]` and
  /// `db[o] = sum_{n,t} dy[n,o,t]`, summing `n` outer and `t` inner.
  ///
  /// dy `[N, Cout, Lout]`, x `[N, Cin, L]`; returns dw `[Cout, Cin, K]` and db `[Cout]`.
  public static func conv1dBackwardWeight<T: BinaryFloatingPoint>(
    outputGradient: [T], input: [T], geometry g: Conv1dGeometry
  ) -> (dw: [T], db: [T]) {
    let dy = doubles(outputGradient)
    let x = doubles(input)
    let (cin, cout, length, outputLength) =
      (g.inputChannels, g.outputChannels, g.inputLength, g.outputLength)
    var dw = [Double](repeating: 0, count: cout * cin * g.kernelSize)
    var db = [Double](repeating: 0, count: cout)
    for o in 0..<cout {
      for c in 0..<cin {
        for k in 0..<g.kernelSize {
          var sum = 0.0
          for n in 0..<g.batch {
            for t in 0..<outputLength {
              let i = t * g.stride + k * g.dilation - g.padLeft
              guard i >= 0, i < length else { continue }
              sum += dy[(n * cout + o) * outputLength + t] * x[(n * cin + c) * length + i]
            }
          }
          dw[(o * cin + c) * g.kernelSize + k] = sum
        }
      }
      for n in 0..<g.batch {
        for t in 0..<outputLength {
          db[o] += dy[(n * cout + o) * outputLength + t]
        }
      }
    }
    return (rounded(dw), rounded(db))
  }
}
