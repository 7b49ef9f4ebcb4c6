import Foundation
import SkipConv

/// The `--device` option shared by every subcommand that runs on a device.
let deviceOption = OptionSpec.value(
  "device", "D",
  help: "Device to run on: an index from 'skipconv devices', a type (gpu, cpu) or a part of its "
    + "name. Defaults to $SKIPCONV_DEVICE, else the first GPU, else the first device.")

/// Reads `--device` into a selector; nil leaves the choice to `SKIPCONV_DEVICE` and the default.
func deviceSelector(_ arguments: ParsedArguments) throws -> DeviceSelector? {
  guard let text = arguments.string("device") else { return nil }
  guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
    throw UsageError(message: "invalid value '' for --device: expected an index, gpu, cpu or a "
      + "part of a device name", command: arguments.command)
  }
  return DeviceSelector(parsing: text)
}

let devicesCommand = Subcommand(
  name: "devices",
  abstract: "List the OpenCL devices and mark the one used by default.",
  discussion: """
    The default device is the one named by $SKIPCONV_DEVICE, else the first GPU, else the first
    device of any kind.
    """,
  options: [
    .flag("check", help: "Also run a small kernel on each device and compare it with the host.")
  ],
  positionalName: nil
) { arguments in
  let devices = try discoverDevices()
  let chosen: OpenCLDevice?
  do {
    chosen = try chooseDevice(nil)
  } catch let error as OpenCLError {
    FileHandle.standardError.write(
      Data("skipconv: warning: \(error.description); no device is marked as the default\n".utf8))
    chosen = nil
  }
  var failures = 0
  for device in devices {
    let info = device.info
    let marker = chosen?.info.index == info.index ? "  (default)" : ""
    print("[\(info.index)] \(info.name)\(marker)")
    var facts = deviceFacts(info)
    if arguments.flag("check") {
      let result = runKernelCheck(device)
      failures += result.passed ? 0 : 1
      facts.append(("kernel check", result.message))
    }
    for (label, value) in facts {
      print("    " + label.padding(toLength: 20, withPad: " ", startingAt: 0) + value)
    }
  }
  return failures == 0 ? ExitStatus.success : ExitStatus.failure
}

/// Runs `relu(a + b)` over a million random elements on `device` and compares with the host.
func runKernelCheck(_ device: OpenCLDevice) -> (passed: Bool, message: String) {
  do {
    let context = try ComputeContext(device: device)
    var random = SeededGenerator(seed: 1)
    let count = 1 << 20
    let a = random.uniform(count)
    let b = random.uniform(count)
    let buffers = try (0..<3).map { _ in try context.makeBuffer(.float32, count: count) }
    try context.write(a, to: buffers[0])
    try context.write(b, to: buffers[1])
    try context.fill(buffers[2], with: Float.nan)
    try context.launch(
      "residual_add_forward", file: "residual_add.cl", globalSize: [count], localSize: [64],
      arguments: [.buffer(buffers[0]), .buffer(buffers[1]), .buffer(buffers[2]), .int(count),
        .int(1)])
    let y: [Float] = try context.read(buffers[2])
    let wrong = (0..<count).filter { y[$0] != max(a[$0] + b[$0], 0) }.count
    return wrong == 0
      ? (true, "passed (relu(a + b) over \(count) elements)")
      : (false, "FAILED: \(wrong) of \(count) elements differ from the host")
  } catch {
    return (false, "FAILED: \(error)")
  }
}

func deviceFacts(_ info: DeviceInfo) -> [(String, String)] {
  [
    ("type", info.type.rawValue),
    ("vendor", info.vendor),
    ("platform", info.platformName),
    ("driver version", info.driverVersion),
    ("device version", info.deviceVersion),
    ("OpenCL C version", info.openCLCVersion),
    ("compute units", "\(info.computeUnits)"),
    ("max clock", "\(info.clockMHz) MHz"),
    ("global memory", formatBytes(info.globalMemoryBytes)),
    ("max allocation", formatBytes(info.maxAllocationBytes)),
    ("max work-group", "\(info.maxWorkGroupSize)"),
    ("local memory", formatBytes(info.localMemoryBytes)),
    ("fp64", info.supportsFP64 ? "yes" : "no"),
    ("fp16", info.supportsFP16 ? "yes" : "no"),
  ]
}

/// Formats a byte count in binary units: `512 B`, `32.0 KiB`, `2.00 GiB`.
func formatBytes(_ bytes: Int) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024, unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  return unit == 0 ? "\(bytes) B" : String(format: "%.2f %@", value, units[unit])
}
