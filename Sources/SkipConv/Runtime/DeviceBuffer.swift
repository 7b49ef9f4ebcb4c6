import COpenCL
import Foundation

/// The element types that device buffers and tensors store.
public enum ElementType: String, Sendable {
  case float32, int32

  public var byteSize: Int { 4 }
}

/// Counts of the device buffers alive in one context, for leak tests and memory reports.
public final class BufferLedger: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  private var bytes = 0
  private var peak = 0

  /// Number of buffers allocated and not yet released.
  public var liveCount: Int { lock.withLock { count } }
  /// Bytes held by live buffers.
  public var liveBytes: Int { lock.withLock { bytes } }
  /// The largest value `liveBytes` has reached since creation or the last `resetPeak()`.
  public var peakBytes: Int { lock.withLock { peak } }

  public func resetPeak() {
    lock.withLock { peak = bytes }
  }

  func add(_ size: Int) {
    lock.withLock {
      count += 1
      bytes += size
      peak = max(peak, bytes)
    }
  }

  func remove(_ size: Int) {
    lock.withLock {
      count -= 1
      bytes -= size
    }
  }
}

/// A device allocation that knows its element type and count, released when the last reference
/// goes away.
public final class DeviceBuffer: @unchecked Sendable {
  let memory: cl_mem
  public let elementType: ElementType
  public let count: Int
  /// Bytes allocated on the device; at least one element, since OpenCL rejects empty buffers.
  public let byteCount: Int
  private let ledger: BufferLedger

  init(context: cl_context, elementType: ElementType, count: Int, ledger: BufferLedger) throws {
    self.elementType = elementType
    self.count = count
    self.byteCount = max(count, 1) * elementType.byteSize
    self.ledger = ledger
    let size = byteCount
    memory = try checkedCreate("clCreateBuffer(\(size) bytes)") { status in
      clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, status)
    }
    ledger.add(byteCount)
  }

  deinit {
    let status = clReleaseMemObject(memory)
    if status != CL_SUCCESS {
      // A release failure cannot be thrown from deinit; report it and go on.
      let name = OpenCLError.statusName(status)
      FileHandle.standardError.write(Data("skipconv: clReleaseMemObject failed: \(name)\n".utf8))
    }
    ledger.remove(byteCount)
  }
}
