import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file replacement that a crash cannot leave half done.
///
/// `write(to:_:)` writes a temporary file in the target's folder, flushes it to disk with
/// `fsync`, renames it over the target and then flushes the folder. `rename` replaces the name
/// in one step on POSIX file systems, so after a `SIGKILL` at any moment the target is either the
/// complete old file or the complete new one. The two `fsync` calls extend this to power loss on
/// file systems that honor them.
///
/// A killed writer leaves its temporary file behind. Temporary names are
/// `.<target>.tmp-<pid>-<random>`, so `removeAbandonedTemporaryFiles(in:)` can remove those of
/// processes that no longer exist.
public enum AtomicFile {
  /// Writer for the temporary file, handed to the closure of `write(to:_:)`.
  public struct Output {
    let descriptor: Int32
    public let temporaryPath: String

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: [UInt8]) throws {
      try writeAll(bytes, to: descriptor, path: temporaryPath)
    }
  }

  /// Replaces the file at `url` with what `produce` writes, atomically.
  ///
  /// - Throws: `FileOperationError` naming the failed call, or what `produce` throws. The
  ///   temporary file is then removed and the target is left as it was, unless only the final
  ///   `fsync` of the folder failed: the new file is then in place but may not be on disk yet.
  public static func write(to url: URL, _ produce: (Output) throws -> Void) throws {
    let folder = url.deletingLastPathComponent().path
    let temporaryPath = url.deletingLastPathComponent()
      .appendingPathComponent(temporaryName(for: url.lastPathComponent)).path
    let descriptor = retryingOnInterrupt {
      open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    }
    guard descriptor >= 0 else {
      throw FileOperationError("open", path: temporaryPath)
    }
    var closed = false
    do {
      try produce(Output(descriptor: descriptor, temporaryPath: temporaryPath))
      guard retryingOnInterrupt({ fsync(descriptor) }) == 0 else {
        throw FileOperationError("fsync", path: temporaryPath)
      }
      closed = true
      guard close(descriptor) == 0 else {
        throw FileOperationError("close", path: temporaryPath)
      }
      guard rename(temporaryPath, url.path) == 0 else {
        throw FileOperationError("rename", path: url.path)
      }
    } catch {
      if !closed {
        close(descriptor)
      }
      unlink(temporaryPath)
      throw error
    }
    try synchronizeFolder(folder)
  }

  /// Replaces the file at `url` with `bytes`, atomically; see `write(to:_:)`.
  public static func write(_ bytes: [UInt8], to url: URL) throws {
    try write(to: url) { output in try output.write(bytes) }
  }

  /// Removes the temporary files in `folder` whose writing process no longer exists, and
  /// returns their URLs. Files of running processes and all other files are left alone.
  @discardableResult
  public static func removeAbandonedTemporaryFiles(in folder: URL) throws -> [URL] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    } catch {
      throw FileOperationError("opendir", path: folder.path, code: 0, reason: "\(error)")
    }
    var removed: [URL] = []
    for name in names.sorted() {
      guard let processID = writerProcessID(ofTemporaryName: name), !processExists(processID)
      else { continue }
      let url = folder.appendingPathComponent(name)
      if unlink(url.path) == 0 {
        removed.append(url)
      } else if errno != ENOENT {
        throw FileOperationError("unlink", path: url.path)
      }
    }
    return removed
  }

  /// Returns the name of a fresh temporary file for the target `name`.
  static func temporaryName(for name: String) -> String {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    return ".\(name).tmp-\(getpid())-\(random)"
  }

  /// Returns the writer's process id in a name made by `temporaryName(for:)`, or nil for other
  /// names.
  static func writerProcessID(ofTemporaryName name: String) -> Int32? {
    guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else {
      return nil
    }
    let parts = name[marker.upperBound...].split(separator: "-")
    guard parts.count == 2, UInt64(parts[1], radix: 16) != nil else { return nil }
    return Int32(parts[0])
  }

  /// Flushes the folder entry of a rename to disk.
  static func synchronizeFolder(_ folder: String) throws {
    let descriptor = retryingOnInterrupt { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    guard descriptor >= 0 else {
      throw FileOperationError("open", path: folder)
    }
    defer { close(descriptor) }
    guard retryingOnInterrupt({ fsync(descriptor) }) == 0 else {
      throw FileOperationError("fsync", path: folder)
    }
  }
}
