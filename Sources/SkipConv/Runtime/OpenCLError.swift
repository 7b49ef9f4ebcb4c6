import COpenCL

/// An error raised by the OpenCL host layer.
public enum OpenCLError: Error, Equatable, CustomStringConvertible {
  /// An OpenCL call returned a status other than `CL_SUCCESS`.
  case status(call: String, code: Int32)
  /// `clBuildProgram` failed; `log` is the compiler's build log for the device.
  case buildFailed(file: String, options: String, device: String, log: String)
  /// No kernel source of that file name is embedded in the binary.
  case missingKernelSource(file: String)
  /// A buffer larger than the device's largest single allocation was requested.
  case allocationTooLarge(requestedBytes: Int, maxBytes: Int, device: String)
  /// A buffer would take the live buffers of a context past its memory limit
  /// (`ComputeContext.memoryLimitBytes`).
  case outOfDeviceMemory(requestedBytes: Int, liveBytes: Int, limitBytes: Int, device: String)
  /// The ICD loader found no OpenCL platform, so no driver is installed or registered.
  case noPlatform
  /// No device matched the selector.
  case noMatchingDevice(selector: String, available: [String])
  /// No device matched the selector in the environment variable `variable`.
  case noMatchingEnvironmentDevice(variable: String, value: String, available: [String])
  /// A copy or launch was given buffers or counts that do not fit together.
  case invalidArgument(String)

  /// The symbolic name of an OpenCL status code, for example `CL_OUT_OF_RESOURCES`.
  public static func statusName(_ code: Int32) -> String {
    String(cString: skipconv_cl_status_name(code))
  }

  public var description: String {
    switch self {
    case .status(let call, let code):
      let hint = code == CL_OUT_OF_RESOURCES || code == CL_MEM_OBJECT_ALLOCATION_FAILURE
        || code == CL_OUT_OF_HOST_MEMORY
        ? "; the device ran out of memory or resources, so try a smaller batch or model" : ""
      return "\(Self.statusName(code)) (\(code)) in \(call)\(hint)"
    case .buildFailed(let file, let options, let device, let log):
      return """
        OpenCL build of \(file) failed on \(device) with options '\(options)'. Update the \
        OpenCL driver, or choose another device with --device (see 'skipconv devices'). Build log:
        \(log)
        """
    case .missingKernelSource(let file):
      return "no kernel source named \(file) is embedded in this binary"
    case .allocationTooLarge(let requested, let limit, let device):
      return "cannot allocate \(requested) bytes in one buffer: \(device) allows at most "
        + "\(limit) bytes per allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE); use a smaller batch "
        + "(--batch-size), sequence length (--max-length) or model (--channels, --embedding-dim)"
    case .outOfDeviceMemory(let requested, let live, let limit, let device):
      return "out of device memory: cannot allocate \(requested) more bytes on \(device), where "
        + "buffers already hold \(live) of the \(limit) bytes available (the device's global "
        + "memory, on a CPU the free host memory, or SKIPCONV_MEMORY_LIMIT); use a smaller batch "
        + "(--batch-size), sequence length (--max-length) or model (--channels, --embedding-dim)"
    case .noPlatform:
      return """
        no OpenCL platform found. Install an OpenCL driver and the ICD loader, for example \
        on Debian or Ubuntu: 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd' for the \
        CPU (PoCL), 'nvidia-opencl-icd' for NVIDIA, 'mesa-opencl-icd' or ROCm for AMD, \
        'intel-opencl-icd' for Intel GPUs; 'clinfo' lists what the loader sees
        """
    case .noMatchingDevice(let selector, let available):
      let list = available.isEmpty ? "none" : available.joined(separator: "; ")
      return "no OpenCL device matches '\(selector)'. Available devices: \(list). "
        + "Select one by index, by type (gpu, cpu) or by a part of its name"
    case .noMatchingEnvironmentDevice(let variable, let value, let available):
      let list = available.isEmpty ? "none" : available.joined(separator: "; ")
      return "no OpenCL device matches \(variable)='\(value)'. Available devices: \(list). "
        + "Set \(variable) to an index, a type (gpu, cpu) or a part of a device name, or unset it"
    case .invalidArgument(let message):
      return message
    }
  }
}

/// Throws `OpenCLError.status` unless `code` is `CL_SUCCESS`.
@inline(__always)
func checkCL(_ code: cl_int, _ call: @autoclosure () -> String) throws {
  if code != CL_SUCCESS {
    throw OpenCLError.status(call: call(), code: code)
  }
}

/// Calls an OpenCL create function that reports its status through an out parameter.
@inline(__always)
func checkedCreate<T>(
  _ call: @autoclosure () -> String, _ body: (UnsafeMutablePointer<cl_int>) -> T?
) throws -> T {
  var code: cl_int = CL_SUCCESS
  let result = body(&code)
  try checkCL(code, call())
  guard let result else {
    throw OpenCLError.status(call: call(), code: CL_INVALID_VALUE)
  }
  return result
}
