import Foundation
import SkipConv

/// One measured row of the report.
struct BenchmarkRow: Codable {
  var op: String
  var pass: String
  var shape: String
  var parameters: [String: Int]
  var flops: Double
  var bytes: Double
  var opencl: Measurement
  var reference: Measurement?

  /// GFLOP/s = flops / wall seconds / 1e9.
  var gflops: Double { flops / opencl.wallSeconds / 1e9 }
  /// GB/s = bytes / wall seconds / 1e9.
  var gbps: Double { bytes / opencl.wallSeconds / 1e9 }
}

/// Everything one run of the harness measured.
struct BenchmarkReport: Codable {
  var device: String
  var driver: String
  var date: String
  var peak: DevicePeak
  var rows: [BenchmarkRow]
  var training: TrainingResult?
  var startup: StartupResult?
}

func benchmarkCases(quick: Bool) throws -> [BenchmarkCase] {
  var geometries: [(Int, Int, Int, Int)] = [(64, 256, 128, 3)]
  if !quick {
    geometries += [(64, 128, 256, 3), (32, 64, 1024, 3), (64, 256, 128, 1), (64, 512, 64, 3)]
  }
  // The default model's convolutions on a typical SST-2 batch (see TrainingShape).
  geometries.append((64, 256, 32, 3))
  var cases: [BenchmarkCase] = []
  for (batch, channels, length, kernel) in geometries {
    let geometry = try Conv1dGeometry(
      batch: batch, inputChannels: channels, outputChannels: channels, inputLength: length,
      kernelSize: kernel, padding: .same)
    cases += conv1dCases(geometry)
  }
  cases += try projectionCases(
    batch: 64, inputChannels: 256, outputChannels: 256, length: 128, stride: 1)
  if !quick {
    cases += try projectionCases(
      batch: 64, inputChannels: 256, outputChannels: 512, length: 128, stride: 2)
  }
  cases += elementwiseCases(batch: 64, channels: 256, length: 128)
  cases += elementwiseCases(batch: 64, channels: 256, length: 32)
  return cases
}

func runBenchmarks(_ options: BenchmarkOptions) throws {
  let backend = try OpenCLBackend(selector: options.device)
  let reference = ReferenceBackend()
  let info = backend.context.info
  log("device: \(info.name), driver \(info.driverVersion), variants \(backend.variants.deviceClass)")

  let peak = try measurePeak(backend, runs: options.runs)
  log(
    String(
      format: "peak: %.1f GFLOP/s (peak_fma), %.1f GB/s (peak_copy; %.1f GB/s on 128 MiB buffers)",
      peak.gflops, peak.copyGBps, peak.largeCopyGBps))

  var rows: [BenchmarkRow] = []
  var cases = try benchmarkCases(quick: options.quick)
  if !options.filters.isEmpty {
    cases = cases.filter { c in options.filters.contains { c.op.contains($0) } }
  }
  for benchmark in cases {
    let body = try benchmark.prepare(backend)
    let opencl = try measure(backend: backend, runs: options.runs, warmup: 2, body)
    var referenceMeasurement: Measurement?
    if options.referenceRuns > 0 {
      let referenceBody = try benchmark.prepare(reference)
      referenceMeasurement = try measure(
        backend: reference, runs: options.referenceRuns, warmup: 1, referenceBody)
    }
    let row = BenchmarkRow(
      op: benchmark.op, pass: benchmark.pass, shape: benchmark.shape,
      parameters: benchmark.parameters, flops: benchmark.flops, bytes: benchmark.bytes,
      opencl: opencl, reference: referenceMeasurement)
    rows.append(row)
    log("\(row.op) \(row.pass) \(row.shape): \(String(format: "%.3f", opencl.wallSeconds * 1e3)) ms")
  }

  var training: TrainingResult?
  var startup: StartupResult?
  if options.filters.isEmpty || options.filters.contains("train") {
    training = try measureTrainingStep(backend, shape: TrainingShape(), runs: options.runs)
    startup = try measureStartup(backend, shape: TrainingShape())
  }
  let report = BenchmarkReport(
    device: info.name, driver: info.driverVersion,
    date: ISO8601DateFormatter().string(from: Date()), peak: peak, rows: rows, training: training,
    startup: startup)
  print(markdown(report))
  if let path = options.jsonPath {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    log("wrote \(path)")
  }
}

func log(_ message: String) {
  FileHandle.standardError.write(Data("skipconv-bench: \(message)\n".utf8))
}

/// The report as a Markdown table: one row per op, pass and shape.
func markdown(_ report: BenchmarkReport) -> String {
  var lines = [
    "Device: \(report.device) (driver \(report.driver)), \(report.date)",
    String(
      format: "Measured peak: %.1f GFLOP/s (FMA kernel), %.1f GB/s (copy kernel, best size; "
        + "%.1f GB/s on 128 MiB buffers)",
      report.peak.gflops, report.peak.copyGBps, report.peak.largeCopyGBps),
    "",
    "| op | pass | shape | OpenCL ms (wall) | OpenCL ms (events) | GFLOP/s | GB/s | % of peak |"
      + " reference ms | speed-up |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ]
  for row in report.rows {
    let computeBound = row.flops > 0
    let fraction = computeBound ? row.gflops / report.peak.gflops : row.gbps / report.peak.copyGBps
    let events = row.opencl.deviceSeconds.map { String(format: "%.3f", $0 * 1e3) } ?? "-"
    let referenceText = row.reference.map { String(format: "%.1f", $0.wallSeconds * 1e3) } ?? "-"
    let speedup = row.reference.map { String(format: "%.0fx", $0.wallSeconds / row.opencl.wallSeconds) } ?? "-"
    lines.append(
      "| \(row.op) | \(row.pass) | \(row.shape) | "
        + String(format: "%.3f", row.opencl.wallSeconds * 1e3) + " | \(events) | "
        + (computeBound ? String(format: "%.1f", row.gflops) : "-") + " | "
        + String(format: "%.1f", row.gbps) + " | " + String(format: "%.0f%%", fraction * 100)
        + " | \(referenceText) | \(speedup) |")
  }
  if let training = report.training {
    lines.append("")
    lines.append(
      String(
        format: "Training step, default model (%d parameters), N=%d L=%d V=%d: %.1f ms, "
          + "%.0f samples/s, peak device memory %.1f MiB",
        training.parameters, training.shape.batch, training.shape.length,
        training.shape.vocabulary, training.opencl.wallSeconds * 1e3, training.samplesPerSecond,
        Double(training.peakDeviceBytes) / 1_048_576))
  }
  if let startup = report.startup {
    lines.append(
      String(
        format: "Start-up to the end of the first training step: %.2f s cold (%d programs "
          + "compiled in %.2f s), %.2f s warm (cached binaries loaded in %.2f s)",
        startup.coldSeconds, startup.programs, startup.coldBuildSeconds, startup.warmSeconds,
        startup.warmBuildSeconds))
  }
  return lines.joined(separator: "\n")
}
