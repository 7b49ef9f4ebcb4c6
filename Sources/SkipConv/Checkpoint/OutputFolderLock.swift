import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Raised when another process holds the lock of an output folder.
public struct FolderLockedError: Error, Equatable, CustomStringConvertible, LocalizedError {
  public var folder: String
  /// The holder's process id as recorded in the lock file; nil when the holder has not written
  /// it yet.
  public var processID: Int32?

  public var description: String {
    let holder = processID.map { "process \($0)" } ?? "another process"
    return "the output folder \(folder) is in use by \(holder); wait for that run to finish, stop "
      + "it, or choose another output folder"
  }

  public var errorDescription: String? { description }
}

/// An exclusive lock on an output folder, so that two training runs never write the same files.
///
/// The lock is the file `skipconv.lock` in the folder. It is created with `O_CREAT | O_EXCL`,
/// holds the owner's process id, and is locked with `flock`. The kernel drops the `flock` when the
/// owner exits, `SIGKILL` included, so a lock file that exists but is not locked is stale: its
/// owner died without removing it, and `acquire` takes it over. Where `flock` is not supported,
/// the process id decides instead: the lock is stale when no process with that id exists.
///
/// `release()` or deinitialization removes the lock file and drops the lock.
public final class OutputFolderLock {
  public static let fileName = "skipconv.lock"

  public let folder: URL
  /// Process id of the dead owner whose stale lock this lock replaced; nil when the lock file
  /// was new.
  public let replacedProcessID: Int32?
  private var descriptor: Int32

  private init(folder: URL, descriptor: Int32, replacedProcessID: Int32?) {
    self.folder = folder
    self.descriptor = descriptor
    self.replacedProcessID = replacedProcessID
  }

  deinit {
    release()
  }

  public var lockFile: URL { folder.appendingPathComponent(Self.fileName) }

  /// Locks `folder`, creating it and its parents when missing.
  ///
  /// - Throws: `FolderLockedError` naming the folder and the owner's process id when another
  ///   process has the lock. This process gets the same error when it already has the lock
  ///   through another `OutputFolderLock`. `FileOperationError` when the lock file cannot be
  ///   created.
  public static func acquire(_ folder: URL) throws -> OutputFolderLock {
    try acquire(folder, usesFlock: true)
  }

  /// Removes the lock file and drops the lock; later calls do nothing.
  public func release() {
    guard descriptor >= 0 else { return }
    if Self.isSameFile(descriptor, path: lockFile.path) {
      unlink(lockFile.path)
    }
    close(descriptor)
    descriptor = -1
  }

  /// `acquire(_:)` with the `flock` check switchable, so tests can run the process-id fallback.
  static func acquire(_ folder: URL, usesFlock: Bool) throws -> OutputFolderLock {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder),
      !isFolder.boolValue
    {
      throw FileOperationError(
        "mkdir", path: folder.path, code: 0, reason: "the path is a file, not a folder",
        suggestion: "choose a folder for the output (--out)")
    }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw FileOperationError("mkdir", path: folder.path, code: 0, reason: "\(error)")
    }
    let path = folder.appendingPathComponent(fileName).path
    // Another process may create, take over or remove the file between two calls below, so
    // each attempt starts over when the file it locked is no longer the one at `path`.
    for _ in 0..<16 {
      if let lock = try attempt(folder: folder, path: path, usesFlock: usesFlock) {
        return lock
      }
    }
    throw FolderLockedError(folder: folder.path, processID: readProcessID(path: path))
  }

  /// One try at taking the lock; nil when the lock file changed under it and the caller should
  /// try again.
  private static func attempt(folder: URL, path: String, usesFlock: Bool) throws
    -> OutputFolderLock?
  {
    guard let (descriptor, created) = try openLockFile(path) else { return nil }
    let previousID = readProcessID(descriptor: descriptor)
    let locked: Bool
    if usesFlock, let result = tryFlock(descriptor) {
      locked = result
    } else {
      locked = created || !processExists(previousID ?? 0)
    }
    guard locked else {
      close(descriptor)
      throw FolderLockedError(folder: folder.path, processID: previousID)
    }
    guard isSameFile(descriptor, path: path) else {
      close(descriptor)
      return nil
    }
    do {
      try writeProcessID(descriptor: descriptor, path: path)
    } catch {
      close(descriptor)
      throw error
    }
    return OutputFolderLock(
      folder: folder, descriptor: descriptor, replacedProcessID: created ? nil : previousID)
  }

  /// Creates the lock file, or opens it when it exists. Returns nil when it disappears between
  /// the two calls.
  private static func openLockFile(_ path: String) throws -> (descriptor: Int32, created: Bool)? {
    let descriptor = retryingOnInterrupt {
      open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    }
    if descriptor >= 0 {
      return (descriptor, true)
    }
    guard errno == EEXIST else {
      let code = errno
      let denied = [EACCES, EPERM, EROFS].contains(code)
      throw FileOperationError(
        "create", path: path, code: code,
        suggestion: denied
          ? "the folder is not writable; choose another output folder (--out)" : nil)
    }
    let existing = retryingOnInterrupt { open(path, O_RDWR | O_CLOEXEC) }
    if existing >= 0 {
      return (existing, false)
    }
    guard errno == ENOENT else {
      throw FileOperationError("open", path: path)
    }
    return nil
  }

  /// Takes the `flock` without waiting. Returns true when taken, false when another open file
  /// has it, and nil when the file system does not support `flock`.
  private static func tryFlock(_ descriptor: Int32) -> Bool? {
    if retryingOnInterrupt({ flock(descriptor, LOCK_EX | LOCK_NB) }) == 0 {
      return true
    }
    switch errno {
    case EWOULDBLOCK:
      return false
    default:
      return nil
    }
  }

  /// Returns whether `path` still names the file open as `descriptor`.
  private static func isSameFile(_ descriptor: Int32, path: String) -> Bool {
    var opened = stat()
    var named = stat()
    guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
    return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
  }

  private static func writeProcessID(descriptor: Int32, path: String) throws {
    guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
      throw FileOperationError("ftruncate", path: path)
    }
    try writeAll(Array("\(getpid())\n".utf8), to: descriptor, path: path)
  }

  private static func readProcessID(descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { raw in
      retryingOnInterrupt { pread(descriptor, raw.baseAddress, raw.count, 0) }
    }
    guard count > 0 else { return nil }
    let text = String(decoding: buffer[0..<count], as: UTF8.self)
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  private static func readProcessID(path: String) -> Int32? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return readProcessID(descriptor: descriptor)
  }
}
