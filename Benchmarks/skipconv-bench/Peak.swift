import Foundation
import SkipConv

/// The device's measured best: FMA throughput and copy bandwidth.
struct DevicePeak: Codable {
  var gflops: Double
  var copyGBps: Double
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

  let vectors = 1 << 23  // 8 Mi float4 = 128 MiB per buffer, far beyond any cache.
  let source = try context.makeBuffer(.float32, count: vectors * 4)
  let destination = try context.makeBuffer(.float32, count: vectors * 4)
  try context.fill(source, with: Float(1))
  var bestBandwidth = 0.0
  for local in [64, 256] {
    let seconds = try measure(backend: backend, runs: runs, warmup: 1) {
      try context.launch(
        "peak_copy", file: "peak.cl", globalSize: [vectors], localSize: [local],
        arguments: [.buffer(source), .buffer(destination), .int(vectors)])
    }.wallSeconds
    // Bytes = read + write of 16-byte float4 values.
    bestBandwidth = max(bestBandwidth, Double(vectors * 16 * 2) / seconds)
  }
  return DevicePeak(gflops: bestFlops / 1e9, copyGBps: bestBandwidth / 1e9)
}
