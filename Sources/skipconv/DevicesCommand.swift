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
  options: [],
  positionalName: nil
) { _ in
  let devices = try discoverDevices()
  let chosen = try? chooseDevice(nil)
  for device in devices {
    let info = device.info
    let marker = chosen?.info.index == info.index ? "  (default)" : ""
    print("[\(info.index)] \(info.name)\(marker)")
    for (label, value) in deviceFacts(info) {
      print("    " + label.padding(toLength: 20, withPad: " ", startingAt: 0) + value)
    }
  }
  return ExitStatus.success
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
