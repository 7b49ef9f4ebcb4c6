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

  /// The variants chosen by device type before any tuning.
  public static func defaults(for info: DeviceInfo) -> KernelVariants {
    KernelVariants(deviceClass: info.type == .cpu ? .cpu : .gpu)
  }
}
