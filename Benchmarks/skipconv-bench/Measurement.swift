import Foundation
import SkipConv

/// Medians of repeated runs of one benchmark row.
struct Measurement: Codable {
  /// Median wall-clock seconds around the op and a `clFinish` (or the reference call).
  var wallSeconds: Double
  /// Median sum of the kernels' profiling-event times; nil for the CPU reference.
  var deviceSeconds: Double?
  var runs: Int
}

/// Returns the median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Runs `body` `warmup` times, then `runs` times, timing each run by wall clock around
/// `synchronize` and, on OpenCL, by the sum of its kernels' profiling events.
func measure(
  backend: Backend, runs: Int, warmup: Int, _ body: () throws -> Void
) throws -> Measurement {
  for _ in 0..<warmup {
    try body()
  }
  try backend.synchronize()
  let context = (backend as? OpenCLBackend)?.context
  var wall: [Double] = []
  var device: [Double] = []
  for _ in 0..<runs {
    context?.startProfiling()
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    try backend.synchronize()
    let end = DispatchTime.now().uptimeNanoseconds
    wall.append(Double(end - start) * 1e-9)
    if let timings = try context?.stopProfiling() {
      device.append(timings.reduce(0) { $0 + $1.seconds })
    }
  }
  return Measurement(
    wallSeconds: median(wall), deviceSeconds: device.isEmpty ? nil : median(device), runs: runs)
}
