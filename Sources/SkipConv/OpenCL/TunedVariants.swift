import Foundation

/// The kernel variants a tuning run chose for one device and driver, with its measurements.
///
/// Stored as JSON in `<cache>/tuning/<key>.json`, where the key hashes the platform, device,
/// device version, driver version and the conv1d kernel sources, so a new driver or a changed
/// kernel starts from the defaults again. `<cache>` is `$SKIPCONV_TUNING_CACHE` (`off` turns
/// stored choices off), else `$XDG_CACHE_HOME/skipconv`, else `~/.cache/skipconv`.
public struct TunedVariants: Codable, Sendable {
  public var device: String
  public var driver: String
  public var date: String
  public var conv1d: Conv1dKernelConfig
  public var projection: Conv1dKernelConfig
  public var trials: [KernelTuner.Trial]

  init(device: DeviceInfo, variants: KernelVariants, trials: [KernelTuner.Trial]) {
    self.device = device.name
    driver = device.driverVersion
    date = ISO8601DateFormatter().string(from: Date())
    conv1d = variants.conv1d
    projection = variants.projection
    self.trials = trials
  }

  /// The defaults of the device class with the tuned conv1d and projection configurations.
  public func variants(for info: DeviceInfo) -> KernelVariants {
    var variants = KernelVariants.defaults(for: info)
    variants.conv1d = conv1d
    variants.projection = projection
    return variants
  }

  /// The folder of stored choices, or nil when they are turned off.
  public static func folder(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL? {
    if let path = environment["SKIPCONV_TUNING_CACHE"], !path.isEmpty {
      return path == "off" ? nil : URL(fileURLWithPath: path)
    }
    let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      .map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
    return base.appendingPathComponent("skipconv/tuning")
  }

  /// The file that holds the choice for `info`.
  public static func file(for info: DeviceInfo, in folder: URL) -> URL {
    var hash = SHA256()
    let sources = ["conv1d.cl", "projection.cl"].map { embeddedKernelSources[$0] ?? "" }
    for part in [info.platformName, info.name, info.deviceVersion, info.driverVersion] + sources {
      hash.update(Array(part.utf8))
      hash.update([0])
    }
    let key = hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    return folder.appendingPathComponent("\(key).json")
  }

  /// Reads the stored choice for `info`; nil when there is none or it cannot be read, so a
  /// damaged file means the defaults rather than a failure.
  public static func load(for info: DeviceInfo, folder: URL? = TunedVariants.folder()) -> TunedVariants? {
    guard let folder,
      let data = FileManager.default.contents(atPath: file(for: info, in: folder).path),
      let tuned = try? JSONDecoder().decode(TunedVariants.self, from: data),
      (try? tuned.conv1d.validate()) != nil, (try? tuned.projection.validate()) != nil
    else { return nil }
    return tuned
  }

  /// Writes the choice for `info` atomically and returns the file.
  @discardableResult
  public func save(for info: DeviceInfo, folder: URL) throws -> URL {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let url = Self.file(for: info, in: folder)
    try AtomicFile.write([UInt8](try encoder.encode(self)), to: url)
    return url
  }
}

extension Conv1dKernelConfig: Codable {
  private enum CodingKeys: String, CodingKey {
    case family, blockChannels, blockVectors, weightBlockChannels, weightBlockTaps, blockGroupSize
    case tileM, tileN, tileK, workM, workN, weightChunkPositions
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let family = try container.decode(String.self, forKey: .family)
    guard let value = Family(rawValue: family) else {
      throw DecodingError.dataCorruptedError(
        forKey: .family, in: container, debugDescription: "unknown kernel family \(family)")
    }
    self.init(family: value)
    blockChannels = try container.decode(Int.self, forKey: .blockChannels)
    blockVectors = try container.decode(Int.self, forKey: .blockVectors)
    weightBlockChannels = try container.decode(Int.self, forKey: .weightBlockChannels)
    weightBlockTaps = try container.decode(Int.self, forKey: .weightBlockTaps)
    blockGroupSize = try container.decode(Int.self, forKey: .blockGroupSize)
    tileM = try container.decode(Int.self, forKey: .tileM)
    tileN = try container.decode(Int.self, forKey: .tileN)
    tileK = try container.decode(Int.self, forKey: .tileK)
    workM = try container.decode(Int.self, forKey: .workM)
    workN = try container.decode(Int.self, forKey: .workN)
    weightChunkPositions = try container.decode(Int.self, forKey: .weightChunkPositions)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(family.rawValue, forKey: .family)
    try container.encode(blockChannels, forKey: .blockChannels)
    try container.encode(blockVectors, forKey: .blockVectors)
    try container.encode(weightBlockChannels, forKey: .weightBlockChannels)
    try container.encode(weightBlockTaps, forKey: .weightBlockTaps)
    try container.encode(blockGroupSize, forKey: .blockGroupSize)
    try container.encode(tileM, forKey: .tileM)
    try container.encode(tileN, forKey: .tileN)
    try container.encode(tileK, forKey: .tileK)
    try container.encode(workM, forKey: .workM)
    try container.encode(workN, forKey: .workN)
    try container.encode(weightChunkPositions, forKey: .weightChunkPositions)
  }
}
