import Foundation

/// How a user names a device: by its index in `skipconv devices`, by type, or by a part of its name.
public enum DeviceSelector: Equatable, Sendable, CustomStringConvertible {
  case index(Int)
  case type(DeviceType)
  case name(String)

  /// The environment variable read when no `--device` option is given.
  public static let environmentVariable = "SKIPCONV_DEVICE"

  /// Parses `2`, `gpu`, `cpu` or a name fragment such as `h200` or `pthread`.
  public init(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let number = Int(trimmed), number >= 0 {
      self = .index(number)
    } else if let type = DeviceType(rawValue: trimmed.lowercased()) {
      self = .type(type)
    } else {
      self = .name(trimmed)
    }
  }

  public var description: String {
    switch self {
    case .index(let index): return "\(index)"
    case .type(let type): return type.rawValue
    case .name(let name): return name
    }
  }

  /// Returns the first device that matches, or throws `noMatchingDevice` listing what exists.
  public func select(from devices: [OpenCLDevice]) throws -> OpenCLDevice {
    let match: OpenCLDevice?
    switch self {
    case .index(let index):
      match = devices.indices.contains(index) ? devices[index] : nil
    case .type(let type):
      match = devices.first { $0.info.type == type }
    case .name(let name):
      match = devices.first { $0.info.name.localizedCaseInsensitiveContains(name) }
    }
    guard let match else {
      throw OpenCLError.noMatchingDevice(
        selector: description,
        available: devices.map { "\($0.info.index): \($0.info.name) (\($0.info.type.rawValue))" })
    }
    return match
  }
}

/// Returns the index of the device used when none is named: the first GPU, else the first device.
public func defaultDeviceIndex(_ devices: [OpenCLDevice]) -> Int? {
  devices.firstIndex { $0.info.type == .gpu } ?? devices.indices.first
}

/// Picks a device from an explicit selector, else `SKIPCONV_DEVICE`, else the default rule.
public func chooseDevice(
  _ selector: DeviceSelector?,
  environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> OpenCLDevice {
  let devices = try discoverDevices()
  if let selector {
    return try selector.select(from: devices)
  }
  if let text = environment[DeviceSelector.environmentVariable], !text.isEmpty {
    do {
      return try DeviceSelector(parsing: text).select(from: devices)
    } catch OpenCLError.noMatchingDevice(_, let available) {
      throw OpenCLError.noMatchingEnvironmentDevice(
        variable: DeviceSelector.environmentVariable, value: text, available: available)
    }
  }
  guard let index = defaultDeviceIndex(devices) else {
    throw OpenCLError.noPlatform
  }
  return devices[index]
}
