/// The kernel family and tile sizes that run conv1d (or the 1x1 projection) on one device; the
/// sizes reach `Kernels/conv1d.cl` as `-D` defines.
///
/// A plain value, so a tuner can replace the defaults per op through `KernelVariants`.
public struct Conv1dKernelConfig: Hashable, Sendable {
  public enum Family: String, Sendable {
    /// Register-blocked kernels without local memory or barriers, which suit CPU devices.
    case blocked
    /// Local-memory tiled implicit GEMM, which suits GPUs.
    case tiled
  }

  public var family: Family

  /// Blocked forward: output channels per work-item (`CONV1D_BLOCK_CHANNELS`).
  public var blockChannels = 6
  /// Blocked forward: float8 runs of positions per work-item (`CONV1D_BLOCK_VECTORS`).
  public var blockVectors = 2
  /// Blocked dw: output channels per work-item (`CONV1D_WEIGHT_BLOCK_CHANNELS`).
  public var weightBlockChannels = 4
  /// Blocked dw: (input channel, tap) pairs per work-item (`CONV1D_WEIGHT_BLOCK_TAPS`).
  public var weightBlockTaps = 3
  /// Blocked: work-items per work-group. A forward group covers that many blocks of output
  /// channels over one run of positions, so it reads that run of input from cache. A dw group
  /// covers that many blocks of taps for one block of output channels and shares their dy rows.
  public var blockGroupSize = 16

  /// Tiled: output rows and columns per work-group and the reduction slice staged in local
  /// memory (`CONV1D_TILE_M`, `CONV1D_TILE_N`, `CONV1D_TILE_K`).
  public var tileM = 64
  public var tileN = 64
  public var tileK = 16
  /// Tiled: rows and columns per work-item (`CONV1D_WORK_M`, `CONV1D_WORK_N`).
  public var workM = 4
  public var workN = 4

  /// Both: about how many (n, t) positions one dw partial sum covers. Smaller chunks give more
  /// parallel work and a larger partial buffer, which a fixed-order pass then sums.
  public var weightChunkPositions = 512

  public init(family: Family) {
    self.family = family
  }

  /// Returns the defaults of a device class: blocked 6 x 16 forward blocks and 4 x 3 dw blocks on
  /// CPUs, 64 x 64 x 16 tiles with 4 x 4 outputs per work-item on GPUs.
  public static func defaults(for deviceClass: KernelVariants.DeviceClass) -> Conv1dKernelConfig {
    switch deviceClass {
    case .cpu: return Conv1dKernelConfig(family: .blocked)
    case .gpu: return Conv1dKernelConfig(family: .tiled)
    }
  }

  /// Work-items per work-group of the tiled kernels: (columns, rows).
  var tiledGroupSize: [Int] { [tileN / workN, tileM / workM] }

  /// The `-D` defines of the chosen family; the other family's kernels build with their defaults.
  var buildOptions: BuildOptions {
    switch family {
    case .blocked:
      return BuildOptions([
        "CONV1D_BLOCK_CHANNELS": blockChannels, "CONV1D_BLOCK_VECTORS": blockVectors,
        "CONV1D_WEIGHT_BLOCK_CHANNELS": weightBlockChannels,
        "CONV1D_WEIGHT_BLOCK_TAPS": weightBlockTaps,
      ])
    case .tiled:
      return BuildOptions([
        "CONV1D_TILE_M": tileM, "CONV1D_TILE_N": tileN, "CONV1D_TILE_K": tileK,
        "CONV1D_WORK_M": workM, "CONV1D_WORK_N": workN,
      ])
    }
  }

  /// Throws `OpenCLError.invalidArgument` for sizes the kernels cannot use, before any build.
  func validate() throws {
    let sizes = [
      ("blockChannels", blockChannels), ("blockVectors", blockVectors),
      ("weightBlockChannels", weightBlockChannels), ("weightBlockTaps", weightBlockTaps),
      ("blockGroupSize", blockGroupSize), ("tileM", tileM), ("tileN", tileN), ("tileK", tileK),
      ("workM", workM), ("workN", workN), ("weightChunkPositions", weightChunkPositions),
    ]
    for (name, value) in sizes where value < 1 {
      throw OpenCLError.invalidArgument(
        "conv1d kernel config: \(name) must be at least 1, got \(value)")
    }
    guard family == .tiled else { return }
    guard tileM % workM == 0, tileN % workN == 0 else {
      throw OpenCLError.invalidArgument(
        "conv1d kernel config: tileM \(tileM) and tileN \(tileN) must be multiples of workM "
          + "\(workM) and workN \(workN)")
    }
    let groupSize = tiledGroupSize.reduce(1, *)
    guard (tileM * tileK) % groupSize == 0, (tileN * tileK) % groupSize == 0 else {
      throw OpenCLError.invalidArgument(
        "conv1d kernel config: the \(tileM) x \(tileK) and \(tileK) x \(tileN) tiles must split "
          + "evenly among \(groupSize) work-items")
    }
  }
}
