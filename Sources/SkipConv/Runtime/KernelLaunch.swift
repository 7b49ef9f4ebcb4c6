import COpenCL

/// One kernel argument, bound in order by `ComputeContext.launch`.
public enum KernelArgument {
  case buffer(DeviceBuffer)
  case int32(Int32)
  case float32(Float)
  /// Local memory of this many bytes.
  case local(Int)

  /// Convenience for the common case of a size or index given as `Int`.
  public static func int(_ value: Int) -> KernelArgument { .int32(Int32(value)) }
}

/// A kernel launch whose profiling event is kept until `stopProfiling`.
struct ProfiledCommand {
  var name: String
  var event: cl_event
}

/// Device-side start and end of one command, from the queue's profiling counters.
public struct CommandTiming: Sendable {
  public var startNanoseconds: UInt64
  public var endNanoseconds: UInt64
  public var seconds: Double { Double(endNanoseconds &- startNanoseconds) * 1e-9 }
}

extension ComputeContext {
  /// Sets `arguments` in order and enqueues `name` from `file` over `globalSize` work-items.
  ///
  /// When `localSize` is given, each global dimension is rounded up to a multiple of it; every
  /// kernel bounds-checks its ids, so the extra work-items do nothing. Returns the command's
  /// profiling times when `timed` is set (which waits for the command).
  @discardableResult
  public func launch(
    _ name: String, file: String, options: BuildOptions = BuildOptions(),
    globalSize: [Int], localSize: [Int]? = nil, arguments: [KernelArgument], timed: Bool = false
  ) throws -> CommandTiming? {
    // Look up the kernel, building its program on first use.
    let kernel = try programs.kernel(name, file: file, options: options)

    // Bind arguments in order.
    for (index, argument) in arguments.enumerated() {
      let position = cl_uint(index)
      let status: cl_int
      switch argument {
      case .buffer(let buffer):
        status = skipconv_set_mem_arg(kernel, position, buffer.memory)
      case .int32(var value):
        status = clSetKernelArg(kernel, position, MemoryLayout<Int32>.size, &value)
      case .float32(var value):
        status = clSetKernelArg(kernel, position, MemoryLayout<Float>.size, &value)
      case .local(let bytes):
        status = clSetKernelArg(kernel, position, bytes, nil)
      }
      try checkCL(status, "clSetKernelArg(\(name), argument \(index))")
    }

    // Size the grid.
    var global = globalSize.map { max($0, 1) }
    if let localSize {
      precondition(localSize.count == global.count, "local and global sizes differ in rank")
      for dimension in global.indices {
        let local = localSize[dimension]
        global[dimension] = (global[dimension] + local - 1) / local * local
      }
    }

    // Enqueue.
    let wantsEvent = timed || profiling != nil
    var event: cl_event?
    let status = withUnsafeMutablePointer(to: &event) { eventPointer in
      let local = localSize ?? []
      return clEnqueueNDRangeKernel(
        queue, kernel, cl_uint(global.count), nil, global, localSize == nil ? nil : local, 0, nil,
        wantsEvent ? eventPointer : nil)
    }
    try checkCL(status, "clEnqueueNDRangeKernel(\(name))")
    guard wantsEvent, let event else { return nil }
    if !timed {
      profiling?.append(ProfiledCommand(name: name, event: event))
      return nil
    }
    defer { clReleaseEvent(event) }
    return try commandTiming(event, name: name)
  }

  /// Starts recording the device time of every kernel launched until `stopProfiling`.
  public func startProfiling() {
    profiling = []
  }

  /// Waits for the recorded kernels and returns each one's name and device time, in launch order.
  public func stopProfiling() throws -> [(name: String, seconds: Double)] {
    guard let commands = profiling else { return [] }
    profiling = nil
    var timings: [(name: String, seconds: Double)] = []
    var failure: Error?
    for command in commands {
      if failure == nil {
        do {
          timings.append((command.name, try commandTiming(command.event, name: command.name).seconds))
        } catch {
          failure = error
        }
      }
      clReleaseEvent(command.event)
    }
    if let failure {
      throw failure
    }
    return timings
  }

  private func commandTiming(_ event: cl_event, name: String) throws -> CommandTiming {
    var events: [cl_event?] = [event]
    try checkCL(clWaitForEvents(1, &events), "clWaitForEvents(\(name))")
    var start: cl_ulong = 0
    var end: cl_ulong = 0
    try checkCL(
      clGetEventProfilingInfo(
        event, cl_profiling_info(CL_PROFILING_COMMAND_START), MemoryLayout<cl_ulong>.size,
        &start, nil),
      "clGetEventProfilingInfo(\(name))")
    try checkCL(
      clGetEventProfilingInfo(
        event, cl_profiling_info(CL_PROFILING_COMMAND_END), MemoryLayout<cl_ulong>.size, &end, nil
      ),
      "clGetEventProfilingInfo(\(name))")
    return CommandTiming(startNanoseconds: start, endNanoseconds: end)
  }

  /// Replaces the embedded source of `file` for this context, for tests and kernel development.
  public func overrideSource(_ source: String, for file: String) {
    programs.sourceOverrides[file] = source
  }
}
