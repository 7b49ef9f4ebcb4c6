import Foundation
import SkipConv

let parityCommand = Subcommand(
  name: "parity",
  abstract: "Check every OpenCL kernel against the CPU reference on a device.",
  discussion: """
    Runs each op and pass (forward, backward in overwrite and accumulate mode, bitwise
    repeatability of backward passes) on fresh seeded random inputs over a table of shapes, and
    prints one row per case. A case passes when the relative L2 error is below 1e-5 and no value
    is NaN or infinite. Exits with status 1 when any case fails.
    """,
  options: [
    deviceOption,
    .flag("quick", help: "Run a few representative shapes per op instead of the whole table."),
    .value("op", "NAME", help: "Run only the cases of this op (for example conv1d).",
      repeatable: true),
    .value("seed", "N", help: "Seed of the random inputs.", default: "20241204"),
  ],
  positionalName: nil
) { arguments in
  let selector = try deviceSelector(arguments)
  let seed = try arguments.int("seed", in: 0...Int.max) ?? 20_241_204
  var cases = ParitySuite.cases(quick: arguments.flag("quick"))
  let ops = arguments.strings("op")
  if !ops.isEmpty {
    let known = Set(cases.map(\.op))
    for op in ops where !known.contains(op) {
      throw UsageError(
        message: "unknown op '\(op)': expected one of \(known.sorted().joined(separator: ", "))",
        command: "parity")
    }
    cases = cases.filter { ops.contains($0.op) }
  }

  let backend: OpenCLBackend
  do {
    backend = try OpenCLBackend(selector: selector)
  } catch OpenCLError.noMatchingDevice(let selector, let available) {
    throw UsageError(
      message: OpenCLError.noMatchingDevice(selector: selector, available: available).description,
      command: arguments.command)
  }
  print("device: \(backend.context.info.name) (\(backend.context.info.driverVersion))")
  print("| op | pass | shape | output | rel L2 error | max abs error | result |")
  print("|---|---|---|---|---|---|---|")
  let suite = ParitySuite(seed: UInt64(seed))
  var failed = 0
  for (index, parityCase) in cases.enumerated() {
    let result = suite.run(parityCase, index: index, device: backend)
    failed += result.passed ? 0 : 1
    print(parityRow(result))
  }
  print("\(cases.count - failed) of \(cases.count) cases passed")
  return failed == 0 && !cases.isEmpty ? ExitStatus.success : ExitStatus.failure
}

/// One Markdown table row: the worst output of the case, or the error that stopped it.
func parityRow(_ result: ParityResult) -> String {
  let parityCase = result.parityCase
  let prefix = "| \(parityCase.op) | \(parityCase.pass) | \(parityCase.shape) |"
  if let error = result.error {
    return "\(prefix) - | - | - | FAIL: \(error) |"
  }
  guard let worst = result.worst else {
    return "\(prefix) - | - | - | FAIL: no output checked |"
  }
  let metrics = worst.metrics
  var verdict = result.passed ? "ok" : "FAIL"
  if metrics.nonFiniteCount > 0 {
    verdict += " (\(metrics.nonFiniteCount) NaN/Inf, first at \(metrics.firstNonFiniteIndex ?? 0))"
  }
  return "\(prefix) \(worst.output) | \(formatScientific(metrics.relativeL2)) | "
    + "\(formatScientific(metrics.maxAbsolute)) at \(metrics.maxAbsoluteIndex) | \(verdict) |"
}
