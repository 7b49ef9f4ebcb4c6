import Foundation
import SkipConv

/// The device's measured best: FMA throughput and copy bandwidth.
struct DevicePeak: Codable {
  var gflops: Double
  /// The best copy bandwidth over all buffer sizes. On a CPU device the smaller buffers stay in
  /// the caches, so this is the bandwidth that elementwise kernels on similar sizes can reach.
  var copyGBps: Double
  /// The copy bandwidth of the largest buffers (128 MiB each), far beyond any cache.
  var largeCopyGBps: Double
}

/// Measures peak FLOP/s with `peak_fma` and bandwidth with `peak_copy` (Kernels/peak.cl), taking
/// the best median over a few work-group sizes.
func measurePeak(_ backend: OpenCLBackend, runs: Int) throws -> DevicePeak {
  let context = backend.context
  let workItems = max(context.info.computeUnits, 1) * 4096
  let iterations = 4096
  let chains = 12  // PEAK_CHAINS in Kernels/peak.cl
  let out = try context.makeBuffer(.float32, count: workItems)
  var bestFlops = 0.0
  for local in [64, 256] {
    let seconds = try measure(backend: backend, runs: runs, warmup: 1) {
      try context.launch(
        "peak_fma", file: "peak.cl",
        globalSize: [workItems], localSize: [local],
        arguments: [.buffer(out), .int(iterations), .float32(1)])
    }.wallSeconds
    // FLOPs = work-items * iterations * chains * 8 lanes * 2 (multiply and add).
    bestFlops = max(bestFlops, Double(workItems * iterations * chains * 8 * 2) / seconds)
  }

  // Copies of 4 MiB to 128 MiB per buffer: the small ones fit in a CPU's last-level cache, the
  // largest in none.
  var bestBandwidth = 0.0
  var largeBandwidth = 0.0
  for vectors in [1 << 18, 1 << 20, 1 << 23] {
    let source = try context.makeBuffer(.float32, count: vectors * 4)
    let destination = try context.makeBuffer(.float32, count: vectors * 4)
    try context.fill(source, with: Float(1))
    for local in [64, 256] {
      let seconds = try measure(backend: backend, runs: runs, warmup: 1) {
        try context.launch(
          "peak_copy", file: "peak.cl", globalSize: [vectors], localSize: [local],
          arguments: [.buffer(source), .buffer(destination), .int(vectors)])
      }.wallSeconds
      // Bytes = read + write of 16-byte float4 values.
      let bandwidth = Double(vectors * 16 * 2) / seconds
      bestBandwidth = max(bestBandwidth, bandwidth)
      if vectors == 1 << 23 {
        largeBandwidth = max(largeBandwidth, bandwidth)
      }
    }
  }
  return DevicePeak(
    gflops: bestFlops / 1e9, copyGBps: bestBandwidth / 1e9, largeCopyGBps: largeBandwidth / 1e9)
}
