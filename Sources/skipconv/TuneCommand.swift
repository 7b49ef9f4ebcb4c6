import Foundation
import SkipConv

let tuneCommand = Subcommand(
  name: "tune",
  abstract: "Find the fastest conv1d and projection kernel sizes for a device.",
  discussion: """
    Tries a set of block or tile sizes for the device's kernel family, checks each against the
    CPU reference on the quick parity table, times forward and both backward passes on the
    default model's shapes, and stores the fastest passing choice for this device and driver.
    Later runs on the same device and driver start with it; a new driver or a changed kernel
    starts from the defaults again.
    """,
  options: [
    deviceOption,
    .flag("quick", help: "Try only the first three configurations."),
    .value("runs", "N", help: "Timed runs per configuration (median).", default: "5"),
    .flag("dry-run", help: "Measure and print, but do not store the choice."),
  ],
  positionalName: nil
) { arguments in
  let runs = try arguments.int("runs", in: 1...1000) ?? 5
  guard arguments.flag("dry-run") || TunedVariants.folder() != nil else {
    throw UsageError(
      message: "SKIPCONV_TUNING_CACHE is 'off', so a choice cannot be stored; unset it or use "
        + "--dry-run", command: "tune")
  }
  let backend = try openBackend(arguments)
  let info = backend.context.info
  writeError("device: \(info.name) (driver \(info.driverVersion))\n")
  var tuner = KernelTuner(context: backend.context)
  tuner.runs = runs
  let deviceClass = KernelVariants.defaults(for: info).deviceClass
  let candidates = KernelTuner.candidates(for: deviceClass, quick: arguments.flag("quick"))
  print("| op | configuration | ms (fwd + both bwd, 2 shapes) | result |")
  print("|---|---|---|---|")
  let tuned = try tuner.tune(candidates: candidates) { trial in
    let time = trial.seconds.map { String(format: "%.2f", $0 * 1e3) } ?? "-"
    let result = trial.failure.map { "FAIL: \($0)" } ?? "ok"
    print("| \(trial.op) | \(describe(trial.configuration)) | \(time) | \(result) |")
  }
  print("chosen conv1d: \(describe(tuned.conv1d))")
  print("chosen projection: \(describe(tuned.projection))")
  if !arguments.flag("dry-run"), let folder = TunedVariants.folder() {
    let file = try tuned.save(for: info, folder: folder)
    print("stored in \(file.path)")
  }
  return ExitStatus.success
}

/// Formats the sizes that a configuration's family uses, for example `blocked 6x2 dw 4x3`.
func describe(_ configuration: Conv1dKernelConfig) -> String {
  switch configuration.family {
  case .blocked:
    return "blocked \(configuration.blockChannels)x\(configuration.blockVectors) dw "
      + "\(configuration.weightBlockChannels)x\(configuration.weightBlockTaps)"
  case .tiled:
    return "tiled \(configuration.tileM)x\(configuration.tileN)x\(configuration.tileK) work "
      + "\(configuration.workM)x\(configuration.workN)"
  }
}
