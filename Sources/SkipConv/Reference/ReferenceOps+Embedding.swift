extension ReferenceOps {
  /// Gathers `y[n,e,l] = table[tokens[n,l], e]`. The padding id 0 gathers row 0 like any other.
  ///
  /// tokens `[N, L]` with ids in `[0, V)`, table `[V, E]` with `E = width`; returns
  /// y `[N, E, L]`.
  public static func embeddingForward<T: BinaryFloatingPoint>(
    tokens: [Int32], table: [T], length: Int, width: Int
  ) -> [T] {
    let batch = length > 0 ? tokens.count / length : 0
    var y = [T](repeating: 0, count: batch * width * length)
    for n in 0..<batch {
      for l in 0..<length {
        let row = Int(tokens[n * length + l])
        for e in 0..<width {
          y[(n * width + e) * length + l] = table[row * width + e]
        }
      }
    }
    return y
  }

  /// Computes `dtable[v,e] = sum_{(n,l) : tokens[n,l] = v} dy[n,e,l]` from the positions grouped
  /// by `EmbeddingGradientIndex.group`, summing each row's positions in increasing order. Rows of
  /// ids absent from the batch, and the padding row 0, are 0.
  ///
  /// uniqueTokens `[U]`, offsets `[U + 1]`, positions (`n * L + l`), dy `[N, E, L]` with
  /// `E = width`; returns dtable `[V, E]` with `V = vocabulary`.
  public static func embeddingBackward<T: BinaryFloatingPoint>(
    uniqueTokens: [Int32], offsets: [Int32], positions: [Int32], outputGradient: [T],
    length: Int, vocabulary: Int, width: Int
  ) -> [T] {
    let dy = doubles(outputGradient)
    var dtable = [Double](repeating: 0, count: vocabulary * width)
    for (u, token) in uniqueTokens.enumerated() {
      let row = Int(token)
      for e in 0..<width {
        var sum = 0.0
        for slot in Int(offsets[u])..<Int(offsets[u + 1]) {
          let position = Int(positions[slot])
          let (n, l) = (position / length, position % length)
          sum += dy[(n * width + e) * length + l]
        }
        dtable[row * width + e] = sum
      }
    }
    return rounded(dtable)
  }
}
