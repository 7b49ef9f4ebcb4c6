import COpenCL
import Foundation

/// An OpenCL context on one device with an in-order, profiling-enabled command queue, the programs
/// built on it, and the accounting of its buffers.
///
/// A context is used from one thread at a time: kernel objects hold their arguments between
/// `clSetKernelArg` and the enqueue.
public final class ComputeContext: @unchecked Sendable {
  public let device: OpenCLDevice
  public let buffers = BufferLedger()
  let context: cl_context
  let queue: cl_command_queue
  let programs: ProgramCache
  private var pendingUploads: [PendingUpload] = []
  /// Launches recorded between `startProfiling` and `stopProfiling`; nil when not recording.
  var profiling: [ProfiledCommand]?
  /// The maximum number of bytes that live buffers may take together, beyond which `makeBuffer`
  /// raises `OpenCLError.outOfDeviceMemory`. It starts as `SKIPCONV_MEMORY_LIMIT` when set, else
  /// as the device's global memory, on CPU devices at most the host memory available at creation.
  public var memoryLimitBytes: Int

  public var info: DeviceInfo { device.info }

  /// How many programs this context built from source or loaded from the binary cache.
  public var programStatistics: ProgramBuildStatistics { programs.statistics }

  /// Opens a context on `device`; compiled programs are cached in `binaryCache` (by default the
  /// folder that `ProgramBinaryCache.fromEnvironment` names).
  public init(device: OpenCLDevice, binaryCache: ProgramBinaryCache = .fromEnvironment()) throws {
    self.device = device
    memoryLimitBytes = try MemoryLimit.bytes(
      for: device.info, environment: ProcessInfo.processInfo.environment)
    var deviceID: cl_device_id? = device.deviceID
    let context = try checkedCreate("clCreateContext") { status in
      clCreateContext(nil, 1, &deviceID, nil, nil, status)
    }
    self.context = context
    let properties = cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE)
    do {
      queue = try checkedCreate("clCreateCommandQueue") { status in
        clCreateCommandQueue(context, device.deviceID, properties, status)
      }
    } catch {
      clReleaseContext(context)
      throw error
    }
    programs = ProgramCache(context: context, device: device, binaryCache: binaryCache)
  }

  /// Opens a context on the device chosen by `selector`, `SKIPCONV_DEVICE` or the default rule.
  public convenience init(selector: DeviceSelector? = nil) throws {
    try self.init(device: chooseDevice(selector))
  }

  deinit {
    for command in profiling ?? [] {
      clReleaseEvent(command.event)
    }
    pendingUploads.removeAll()
    programs.releaseAll()
    logReleaseFailure(clReleaseCommandQueue(queue), "clReleaseCommandQueue")
    logReleaseFailure(clReleaseContext(context), "clReleaseContext")
  }

  // MARK: - Buffers

  /// Allocates an uninitialised buffer, refusing sizes above the device's single-allocation limit
  /// and allocations that would take the live buffers past `memoryLimitBytes`.
  public func makeBuffer(_ elementType: ElementType, count: Int) throws -> DeviceBuffer {
    guard count >= 0 else {
      throw OpenCLError.invalidArgument("buffer element count must not be negative, got \(count)")
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: elementType.byteSize)
    if overflow || bytes > info.maxAllocationBytes {
      throw OpenCLError.allocationTooLarge(
        requestedBytes: overflow ? Int.max : bytes, maxBytes: info.maxAllocationBytes,
        device: info.name)
    }
    let liveBytes = buffers.liveBytes
    if bytes > memoryLimitBytes - liveBytes {
      throw OpenCLError.outOfDeviceMemory(
        requestedBytes: bytes, liveBytes: liveBytes, limitBytes: memoryLimitBytes,
        device: info.name)
    }
    return try DeviceBuffer(context: context, elementType: elementType, count: count, ledger: buffers)
  }

  /// Copies `values` into `buffer` and waits for the copy.
  public func write<T: DeviceScalar>(_ values: [T], to buffer: DeviceBuffer, offset: Int = 0) throws {
    try checkCopy(T.self, buffer, offset: offset, count: values.count)
    guard !values.isEmpty else { return }
    try values.withUnsafeBytes { bytes in
      try checkCL(
        clEnqueueWriteBuffer(
          queue, buffer.memory, cl_bool(CL_TRUE), offset * T.elementType.byteSize, bytes.count,
          bytes.baseAddress, 0, nil, nil),
        "clEnqueueWriteBuffer")
    }
  }

  /// Queues a copy of `values` into `buffer` and returns at once; the data is copied to a staging
  /// area that lives until the device has read it, so the caller may reuse `values`.
  public func writeAsync<T: DeviceScalar>(_ values: [T], to buffer: DeviceBuffer, offset: Int = 0)
    throws
  {
    try checkCopy(T.self, buffer, offset: offset, count: values.count)
    guard !values.isEmpty else { return }
    reclaimFinishedUploads()
    let upload = values.withUnsafeBytes { PendingUpload(copying: $0) }
    var event: cl_event?
    try checkCL(
      clEnqueueWriteBuffer(
        queue, buffer.memory, cl_bool(CL_FALSE), offset * T.elementType.byteSize,
        upload.bytes.count, upload.bytes.baseAddress, 0, nil, &event),
      "clEnqueueWriteBuffer")
    upload.event = event
    pendingUploads.append(upload)
  }

  /// Waits for all queued work, then copies `count` elements of `buffer` to the host.
  public func read<T: DeviceScalar>(_ buffer: DeviceBuffer, offset: Int = 0, count: Int? = nil)
    throws -> [T]
  {
    let count = count ?? (buffer.count - offset)
    try checkCopy(T.self, buffer, offset: offset, count: count)
    var values = [T](repeating: .zero, count: count)
    guard count > 0 else { return values }
    try values.withUnsafeMutableBytes { bytes in
      try checkCL(
        clEnqueueReadBuffer(
          queue, buffer.memory, cl_bool(CL_TRUE), offset * T.elementType.byteSize, bytes.count,
          bytes.baseAddress, 0, nil, nil),
        "clEnqueueReadBuffer")
    }
    reclaimFinishedUploads()
    return values
  }

  /// Fills every element of `buffer` with `value` (queued, not waited for).
  public func fill<T: DeviceScalar>(_ buffer: DeviceBuffer, with value: T) throws {
    guard T.elementType == buffer.elementType else {
      throw OpenCLError.invalidArgument(
        "cannot fill a \(buffer.elementType) buffer with a \(T.elementType) value")
    }
    guard buffer.count > 0 else { return }
    let pattern = [value]
    try pattern.withUnsafeBytes { bytes in
      try checkCL(
        clEnqueueFillBuffer(
          queue, buffer.memory, bytes.baseAddress, bytes.count, 0,
          buffer.count * T.elementType.byteSize, 0, nil, nil),
        "clEnqueueFillBuffer")
    }
  }

  /// Copies `count` elements between device buffers (queued).
  public func copy(
    from source: DeviceBuffer, sourceOffset: Int = 0, to destination: DeviceBuffer,
    destinationOffset: Int = 0, count: Int
  ) throws {
    guard source.elementType == destination.elementType, count >= 0,
      sourceOffset >= 0, sourceOffset + count <= source.count,
      destinationOffset >= 0, destinationOffset + count <= destination.count
    else {
      throw OpenCLError.invalidArgument(
        "invalid device copy of \(count) elements from offset \(sourceOffset) of a "
          + "\(source.count)-element buffer to offset \(destinationOffset) of a "
          + "\(destination.count)-element buffer")
    }
    guard count > 0 else { return }
    let size = source.elementType.byteSize
    try checkCL(
      clEnqueueCopyBuffer(
        queue, source.memory, destination.memory, sourceOffset * size, destinationOffset * size,
        count * size, 0, nil, nil),
      "clEnqueueCopyBuffer")
  }

  /// Blocks until every queued command has finished.
  public func finish() throws {
    try checkCL(clFinish(queue), "clFinish")
    reclaimFinishedUploads()
  }

  private func checkCopy<T: DeviceScalar>(
    _ type: T.Type, _ buffer: DeviceBuffer, offset: Int, count: Int
  ) throws {
    guard T.elementType == buffer.elementType else {
      throw OpenCLError.invalidArgument(
        "cannot copy \(T.elementType) values to or from a \(buffer.elementType) buffer")
    }
    guard offset >= 0, count >= 0, offset + count <= buffer.count else {
      throw OpenCLError.invalidArgument(
        "copy of \(count) elements at offset \(offset) does not fit a buffer of \(buffer.count)")
    }
  }

  private func reclaimFinishedUploads() {
    pendingUploads.removeAll { $0.isComplete }
  }
}

/// Scalar types that can be copied to and from device buffers.
public protocol DeviceScalar: Numeric {
  static var elementType: ElementType { get }
}

extension Float: DeviceScalar {
  public static var elementType: ElementType { .float32 }
}

extension Int32: DeviceScalar {
  public static var elementType: ElementType { .int32 }
}

/// Host data of a non-blocking write, kept alive until the device has read it.
private final class PendingUpload {
  let bytes: UnsafeMutableRawBufferPointer
  var event: cl_event?

  init(copying source: UnsafeRawBufferPointer) {
    bytes = .allocate(byteCount: source.count, alignment: 64)
    bytes.copyMemory(from: source)
  }

  var isComplete: Bool {
    guard let event else { return true }
    var status: cl_int = 0
    let query = clGetEventInfo(
      event, cl_event_info(CL_EVENT_COMMAND_EXECUTION_STATUS), MemoryLayout<cl_int>.size,
      &status, nil)
    // A failed query or a negative (error) status also ends the wait: the command will not run.
    return query != CL_SUCCESS || status == CL_COMPLETE || status < 0
  }

  deinit {
    if let event {
      // Waiting here keeps `bytes` alive for a copy still in flight when the context shuts down.
      var events: [cl_event?] = [event]
      clWaitForEvents(1, &events)
      clReleaseEvent(event)
    }
    bytes.deallocate()
  }
}

func logReleaseFailure(_ status: cl_int, _ call: String) {
  if status != CL_SUCCESS {
    let message = "skipconv: \(call) failed: \(OpenCLError.statusName(status)) (\(status))\n"
    FileHandle.standardError.write(Data(message.utf8))
  }
}
