import Foundation

/// The maximum number of bytes that the buffers of one context may take together.
///
/// Drivers report running out of device memory in different ways: PoCL on a CPU allocates host
/// memory lazily and stops the process with a failed assertion (or the kernel's out-of-memory
/// killer ends it) when that memory runs out, while GPU drivers often fail a later kernel launch
/// with `CL_MEM_OBJECT_ALLOCATION_FAILURE`. Counting the bytes of live buffers against a limit
/// turns the common case, a batch far too large, into an error raised by the allocation itself.
///
/// NOTE: The default limit ignores `ulimit -v` and container (cgroup) memory limits, and counts
/// only SkipConv's buffers, not the driver's own memory. Under such limits PoCL can still stop
/// the process, so set `SKIPCONV_MEMORY_LIMIT` there.
enum MemoryLimit {
  /// The environment variable that overrides the limit, in bytes or with a binary suffix
  /// (`512M`, `4G`).
  static let environmentVariable = "SKIPCONV_MEMORY_LIMIT"

  /// Returns the limit for `info`: `SKIPCONV_MEMORY_LIMIT` when set, else the device's global
  /// memory. On a CPU device it is also at most the host memory available now (`MemAvailable`),
  /// because its buffers live in host memory shared with other processes.
  static func bytes(for info: DeviceInfo, environment: [String: String]) throws -> Int {
    if let text = environment[environmentVariable] {
      guard let value = parseByteCount(text) else {
        throw OpenCLError.invalidArgument(
          "invalid \(environmentVariable) '\(text)': expected a byte count such as 1073741824, "
            + "512M or 4G")
      }
      return value
    }
    var limit = info.globalMemoryBytes
    if info.type == .cpu, let available = availableHostMemoryBytes() {
      limit = min(limit, available)
    }
    return limit
  }

  /// Parses a positive byte count with an optional binary suffix K, M, G or T (also `KiB`, `MB`
  /// and so on, all powers of 1024). Returns nil for anything else or on overflow.
  static func parseByteCount(_ text: String) -> Int? {
    var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
    for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
      digits.removeLast(suffix.count)
      break
    }
    let exponents: [Character: Int] = ["K": 1, "M": 2, "G": 3, "T": 4]
    var exponent = 0
    if let last = digits.last, let value = exponents[last] {
      exponent = value
      digits.removeLast()
    }
    guard let number = Int(digits), number > 0 else { return nil }
    var result = number
    for _ in 0..<exponent {
      let (product, overflow) = result.multipliedReportingOverflow(by: 1024)
      guard !overflow else { return nil }
      result = product
    }
    return result
  }

  /// `MemAvailable` from `/proc/meminfo` in bytes, or nil where that file is missing (macOS).
  static func availableHostMemoryBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
      let fields = line.split(separator: " ")
      guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
      return kibibytes * 1024
    }
    return nil
  }
}
