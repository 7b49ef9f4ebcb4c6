import SkipConv

/// Highway gate and residual add rows over `[N, C, L]`; these ops are memory-bound, so their
/// figure of merit is GB/s against the measured copy bandwidth.
func elementwiseCases(batch: Int, channels: Int, length: Int) -> [BenchmarkCase] {
  let shape = [batch, channels, length]
  let count = Double(shape.reduce(1, *))
  let label = "N=\(batch) C=\(channels) L=\(length)"
  let parameters = ["N": batch, "C": channels, "L": length]
  // Bytes: 4 per float for every tensor read or written once.
  let rows: [(String, String, Double, ([Tensor], Backend) throws -> Void)] = [
    ("highway_gate", "forward", 4 * 4, { t, b in
      try b.highwayGateForward(transformInput: t[0], hiddenInput: t[1], carry: t[2], output: t[3])
    }),
    ("highway_gate", "backward", 7 * 4, { t, b in
      try b.highwayGateBackward(
        outputGradient: t[4], transformInput: t[0], hiddenInput: t[1], carry: t[2],
        transformGradient: t[5], hiddenGradient: t[6], carryGradient: t[7], mode: .overwrite)
    }),
    ("residual_add", "forward", 3 * 4, { t, b in
      try b.residualAddForward(t[0], t[1], output: t[3], activation: .relu)
    }),
    ("residual_add", "backward", 3 * 4, { t, b in
      try b.residualAddBackward(
        outputGradient: t[4], output: t[2], sumGradient: t[5], activation: .relu,
        mode: .overwrite)
    }),
  ]
  return rows.map { op, pass, bytesPerElement, body in
    BenchmarkCase(
      op: op, pass: pass, shape: label, parameters: parameters, flops: 0,
      bytes: bytesPerElement * count,
      prepare: { backend in
        let tensors = try (0..<8).map { try randomTensor(backend, shape, seed: UInt64($0 + 1)) }
        return { try body(tensors, backend) }
      })
  }
}
