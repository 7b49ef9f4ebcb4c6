/// The kernel variant and tile sizes used for each op on one device.
///
/// GPUs and CPU OpenCL devices want different kernels for the same op: local-memory tiles suit
/// GPUs, while on CPU devices such as PoCL barriers and local memory are slow and register
/// blocking with vector loads wins.
public struct KernelVariants: Sendable {
  public enum DeviceClass: String, Sendable {
    case gpu, cpu
  }

  public var deviceClass: DeviceClass
  /// The conv1d kernels and their tile sizes.
  public var conv1d: Conv1dKernelConfig
  /// The 1x1 projection, which runs on the conv1d kernels with K = 1.
  public var projection: Conv1dKernelConfig

  /// Makes the defaults of `deviceClass` for every op.
  public init(deviceClass: DeviceClass) {
    self.deviceClass = deviceClass
    conv1d = .defaults(for: deviceClass)
    projection = .defaults(for: deviceClass)
  }

  /// The variants chosen by device type before any tuning.
  public static func defaults(for info: DeviceInfo) -> KernelVariants {
    KernelVariants(deviceClass: info.type == .cpu ? .cpu : .gpu)
  }
}
