import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed system call on a file or folder, with the path and the `errno` it set.
public struct FileOperationError: Error, Equatable, CustomStringConvertible, LocalizedError {
  /// The system call that failed, such as `open`, `write`, `fsync` or `rename`.
  public var operation: String
  public var path: String
  /// The `errno` value, or 0 when the failure has no system error code.
  public var code: Int32
  public var reason: String
  /// Advice that replaces the default advice for `operation`.
  public var suggestion: String?

  public init(
    _ operation: String, path: String, code: Int32 = errno, reason: String? = nil,
    suggestion: String? = nil
  ) {
    self.operation = operation
    self.path = path
    self.code = code
    self.reason = reason ?? String(cString: strerror(code))
    self.suggestion = suggestion
  }

  public var description: String {
    let number = code == 0 ? "" : " (errno \(code))"
    return "\(operation) failed for \(path): \(reason)\(number); \(suggestion ?? advice)"
  }

  private var advice: String {
    switch operation {
    case "open", "fstat", "read":
      return "check that the file exists and is readable"
    default:
      return "check that the folder exists, is writable and that the disk has space"
    }
  }

  public var errorDescription: String? { description }
}

/// Calls `operation` until it stops failing with `EINTR`, and returns its result.
func retryingOnInterrupt<Result: BinaryInteger>(_ operation: () -> Result) -> Result {
  while true {
    let result = operation()
    if result >= 0 || errno != EINTR {
      return result
    }
  }
}

/// Reads the whole regular file at `url` with plain `read` calls, never mapping it, so a file
/// that shrinks while it is read gives an error or short contents instead of a bus error.
func readFile(_ url: URL) throws -> [UInt8] {
  let path = url.path
  let descriptor = retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
  guard descriptor >= 0 else {
    throw FileOperationError("open", path: path)
  }
  defer { close(descriptor) }
  var status = stat()
  guard fstat(descriptor, &status) == 0 else {
    throw FileOperationError("fstat", path: path)
  }
  guard (status.st_mode & S_IFMT) == S_IFREG else {
    throw FileOperationError("read", path: path, code: 0, reason: "not a regular file")
  }
  var bytes: [UInt8] = []
  bytes.reserveCapacity(Int(status.st_size))
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let count = chunk.withUnsafeMutableBytes { buffer in
      retryingOnInterrupt { read(descriptor, buffer.baseAddress, buffer.count) }
    }
    guard count >= 0 else {
      throw FileOperationError("read", path: path)
    }
    if count == 0 {
      return bytes
    }
    bytes.append(contentsOf: chunk[0..<count])
  }
}

/// Writes all of `bytes` to `descriptor`, continuing after short writes.
func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
  try bytes.withUnsafeBytes { buffer in
    var written = 0
    while written < buffer.count {
      let count = retryingOnInterrupt {
        write(descriptor, buffer.baseAddress! + written, buffer.count - written)
      }
      guard count >= 0 else {
        throw FileOperationError("write", path: path)
      }
      guard count > 0 else {
        throw FileOperationError("write", path: path, code: 0, reason: "no byte was written")
      }
      written += count
    }
  }
}

/// Returns whether a process with this id exists. A process owned by another user counts as
/// existing.
func processExists(_ processID: Int32) -> Bool {
  guard processID > 0 else { return false }
  return kill(processID, 0) == 0 || errno == EPERM
}
