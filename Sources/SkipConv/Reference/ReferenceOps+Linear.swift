import Foundation

extension ReferenceOps {
  /// Computes `y[n,o] = b[o] + sum_i x[n,i] * w[o,i]`, that is `y = x w^T + b`.
  ///
  /// x `[N, I]`, w `[O, I]`, b `[O]` (nil for no bias), with `I = inputWidth` and
  /// `O = outputWidth`; returns y `[N, O]`.
  public static func linearForward<T: BinaryFloatingPoint>(
    input: [T], weight: [T], bias: [T]?, inputWidth: Int, outputWidth: Int
  ) -> [T] {
    let (x, w) = (doubles(input), doubles(weight))
    let b = bias.map { doubles($0) } ?? [Double](repeating: 0, count: outputWidth)
    let batch = x.count / inputWidth
    var y = [Double](repeating: 0, count: batch * outputWidth)
    for n in 0..<batch {
      for o in 0..<outputWidth {
        var sum = b[o]
        for i in 0..<inputWidth {
          sum += x[n * inputWidth + i] * w[o * inputWidth + i]
        }
        y[n * outputWidth + o] = sum
      }
    }
    return rounded(y)
  }

  /// Computes `dx[n,i] = sum_o dy[n,o] * w[o,i]`, that is `dx = dy w`.
  ///
  /// dy `[N, O]`, w `[O, I]`; returns dx `[N, I]`.
  public static func linearBackwardInput<T: BinaryFloatingPoint>(
    outputGradient: [T], weight: [T], inputWidth: Int, outputWidth: Int
  ) -> [T] {
    let (dy, w) = (doubles(outputGradient), doubles(weight))
    let batch = dy.count / outputWidth
    var dx = [Double](repeating: 0, count: batch * inputWidth)
    for n in 0..<batch {
      for i in 0..<inputWidth {
        var sum = 0.0
        for o in 0..<outputWidth {
          sum += dy[n * outputWidth + o] * w[o * inputWidth + i]
        }
        dx[n * inputWidth + i] = sum
      }
    }
    return rounded(dx)
  }

  /// Computes `dw[o,i] = sum_n dy[n,o] * x[n,i]` (`dw = dy^T x`) and `db[o] = sum_n dy[n,o]`.
  ///
  /// dy `[N, O]`, x `[N, I]`; returns dw `[O, I]` and db `[O]`.
  public static func linearBackwardWeight<T: BinaryFloatingPoint>(
    outputGradient: [T], input: [T], inputWidth: Int, outputWidth: Int
  ) -> (dw: [T], db: [T]) {
    let (dy, x) = (doubles(outputGradient), doubles(input))
    let batch = dy.count / outputWidth
    var dw = [Double](repeating: 0, count: outputWidth * inputWidth)
    var db = [Double](repeating: 0, count: outputWidth)
    for o in 0..<outputWidth {
      for i in 0..<inputWidth {
        var sum = 0.0
        for n in 0..<batch {
          sum += dy[n * outputWidth + o] * x[n * inputWidth + i]
        }
        dw[o * inputWidth + i] = sum
      }
      for n in 0..<batch {
        db[o] += dy[n * outputWidth + o]
      }
    }
    return (rounded(dw), rounded(db))
  }

  /// Computes softmax cross-entropy row by row with a stable log-softmax:
  /// `loss[n] = logsumexp(z[n]) - z[n, label[n]]`, the prediction is the first index of the max
  /// logit, and `dz[n,j] = (softmax(z[n])[j] - [j == label[n]]) * gradientScale`.
  ///
  /// logits z `[N, Y]` with `Y = classes`, labels `[N]` in `[0, Y)`; returns losses `[N]`,
  /// predictions `[N]` and dlogits `[N, Y]`.
  public static func softmaxCrossEntropy<T: BinaryFloatingPoint>(
    logits: [T], labels: [Int32], classes: Int, gradientScale: Double
  ) -> (losses: [T], predictions: [Int32], dlogits: [T]) {
    let z = doubles(logits)
    var losses = [Double](repeating: 0, count: labels.count)
    var predictions = [Int32](repeating: 0, count: labels.count)
    var dz = [Double](repeating: 0, count: z.count)
    for n in labels.indices {
      let row = n * classes
      var best = 0
      for j in 1..<classes where z[row + j] > z[row + best] {
        best = j
      }
      let shift = z[row + best]
      var sum = 0.0
      for j in 0..<classes {
        sum += exp(z[row + j] - shift)
      }
      let logSumExp = shift + log(sum)
      let label = Int(labels[n])
      losses[n] = logSumExp - z[row + label]
      predictions[n] = Int32(best)
      for j in 0..<classes {
        let probability = exp(z[row + j] - logSumExp)
        dz[row + j] = (probability - (j == label ? 1 : 0)) * gradientScale
      }
    }
    return (rounded(losses), predictions, rounded(dz))
  }
}
