import COpenCL
import Foundation

/// Compiled OpenCL program binaries on disk, so that a second start skips compilation.
///
/// A binary is stored under the SHA-256 of everything that decides it: the source after include
/// resolution, the build options, and the platform, device, device version and driver version.
/// A changed kernel, option or driver therefore gets a new entry and never loads a stale binary.
/// The cache is best effort: a file that cannot be read, written or loaded means a normal build.
public struct ProgramBinaryCache: Sendable {
  /// Folder of the binaries; nil turns the cache off.
  public var directory: URL?

  public init(directory: URL?) {
    self.directory = directory
  }

  /// `$SKIPCONV_KERNEL_CACHE` (`off` turns the cache off), else `$XDG_CACHE_HOME/skipconv/kernels`,
  /// else `~/.cache/skipconv/kernels`.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> ProgramBinaryCache {
    if let path = environment["SKIPCONV_KERNEL_CACHE"], !path.isEmpty {
      return ProgramBinaryCache(directory: path == "off" ? nil : URL(fileURLWithPath: path))
    }
    if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
      return ProgramBinaryCache(directory: URL(fileURLWithPath: cache).appendingPathComponent("skipconv/kernels"))
    }
    let home = FileManager.default.homeDirectoryForCurrentUser
    return ProgramBinaryCache(directory: home.appendingPathComponent(".cache/skipconv/kernels"))
  }

  /// The cache key of one build.
  func key(source: String, options: String, device: DeviceInfo) -> String {
    var hash = SHA256()
    for part in [
      "skipconv-program-binary-1", device.platformName, device.name, device.deviceVersion,
      device.driverVersion, options, source,
    ] {
      hash.update(Array(part.utf8))
      hash.update([0])
    }
    return hash.finalize().map { String(format: "%02x", $0) }.joined()
  }

  func load(_ key: String) -> [UInt8]? {
    guard let url = directory?.appendingPathComponent(key + ".bin"),
      let data = FileManager.default.contents(atPath: url.path), !data.isEmpty
    else { return nil }
    return [UInt8](data)
  }

  func store(_ key: String, _ binary: [UInt8]) {
    guard let directory, !binary.isEmpty else { return }
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try AtomicFile.write(binary, to: directory.appendingPathComponent(key + ".bin"))
    } catch {
      // A cache that cannot be written only costs a compilation at the next start.
    }
  }
}

/// How programs were obtained in one context: built from source or loaded from the binary cache.
public struct ProgramBuildStatistics: Sendable {
  public var builtFromSource = 0
  public var loadedFromCache = 0
  /// Seconds spent in `clBuildProgram`, both kinds together.
  public var buildSeconds = 0.0
}

/// Returns the binary of a program built for one device.
func programBinary(_ program: cl_program) throws -> [UInt8] {
  var size = 0
  try checkCL(
    clGetProgramInfo(
      program, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size, &size, nil),
    "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)")
  guard size > 0 else { return [] }
  var binary = [UInt8](repeating: 0, count: size)
  try binary.withUnsafeMutableBufferPointer { buffer in
    var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
    try checkCL(
      clGetProgramInfo(
        program, cl_program_info(CL_PROGRAM_BINARIES), MemoryLayout<UnsafeMutablePointer<UInt8>?>.size,
        &pointer, nil),
      "clGetProgramInfo(CL_PROGRAM_BINARIES)")
  }
  return binary
}
