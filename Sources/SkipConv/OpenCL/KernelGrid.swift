import COpenCL

extension ComputeContext {
  /// `CL_KERNEL_WORK_GROUP_SIZE` of kernel `name`: the largest work-group this device runs it
  /// with, which can be below the device's maximum for kernels that use many registers.
  func maxWorkGroupSize(_ name: String, file: String, options: BuildOptions) throws -> Int {
    let kernel = try programs.kernel(name, file: file, options: options)
    var size = 0
    try checkCL(
      clGetKernelWorkGroupInfo(
        kernel, device.deviceID, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE),
        MemoryLayout<Int>.size, &size, nil),
      "clGetKernelWorkGroupInfo(\(name))")
    return size
  }
}

extension OpenCLBackend {
  /// Elements per work-item of the elementwise kernels (`VECTOR_WIDTH`): 16 on CPU devices, where
  /// it beat 4 and 8 on PoCL 3.1 (x86-64, AVX2), and 16-byte loads on GPUs.
  var elementwiseOptions: BuildOptions {
    BuildOptions(["VECTOR_WIDTH": variants.deviceClass == .cpu ? 16 : 4])
  }

  /// Returns a 1-D work-group size for kernel `name`: `preferred`, lowered to the kernel's limit
  /// and then to a power of two, so it also suits tree reductions.
  func workGroupSize(
    _ name: String, file: String, options: BuildOptions = BuildOptions(), preferred: Int
  ) throws -> Int {
    let limit = min(preferred, try context.maxWorkGroupSize(name, file: file, options: options))
    var size = 1
    while size * 2 <= limit {
      size *= 2
    }
    return size
  }

  /// Enqueues a 1-D kernel with one work-item per `itemsPerWorkItem` of `count` elements, the
  /// global size rounded up to a whole number of work-groups (the kernels bounds-check).
  func launchFlat(
    _ name: String, file: String, options: BuildOptions = BuildOptions(), count: Int,
    itemsPerWorkItem: Int = 1, arguments: [KernelArgument]
  ) throws {
    guard count > 0 else { return }
    let local = try workGroupSize(name, file: file, options: options, preferred: 256)
    let workItems = (count + itemsPerWorkItem - 1) / itemsPerWorkItem
    try context.launch(
      name, file: file, options: options, globalSize: [workItems], localSize: [local],
      arguments: arguments)
  }

  /// Enqueues a 2-D or 3-D kernel over `globalSize` work-items. A work-group spans up to 16
  /// along the first dimension, then as many along each next one as the kernel's limit allows.
  /// No side exceeds the power of two that covers its global size.
  func launchGrid(
    _ name: String, file: String, options: BuildOptions = BuildOptions(), globalSize: [Int],
    arguments: [KernelArgument]
  ) throws {
    guard globalSize.allSatisfy({ $0 > 0 }) else { return }
    let limit = try workGroupSize(name, file: file, options: options, preferred: 256)
    var localSize: [Int] = []
    for (dimension, size) in globalSize.enumerated() {
      let room = limit / localSize.reduce(1, *)
      localSize.append(min(dimension == 0 ? min(16, room) : room, size.nextPowerOfTwo))
    }
    try context.launch(
      name, file: file, options: options, globalSize: globalSize, localSize: localSize,
      arguments: arguments)
  }

  /// Enqueues an elementwise kernel of `file` over `count` elements, `VECTOR_WIDTH` per work-item.
  func launchElementwise(
    _ name: String, file: String, count: Int, arguments: [KernelArgument]
  ) throws {
    let options = elementwiseOptions
    try launchFlat(
      name, file: file, options: options, count: count,
      itemsPerWorkItem: options.defines["VECTOR_WIDTH"] ?? 1, arguments: arguments)
  }
}

/// Rejects tensors whose element count does not fit the `int` the kernels index with.
func checkKernelRange(_ tensors: Tensor..., op: String) throws {
  for tensor in tensors where tensor.count > Int(Int32.max) {
    throw ShapeError(
      op: op,
      "tensor \(tensor.shape) has \(tensor.count) elements, but the OpenCL kernels "
        + "support at most \(Int32.max); use a smaller batch or length")
  }
}

/// Returns the element count of `tensor` as a kernel argument, checked by `checkKernelRange`.
func kernelCount(_ tensor: Tensor, op: String) throws -> KernelArgument {
  try checkKernelRange(tensor, op: op)
  return .int(tensor.count)
}

extension GradientMode {
  /// The `accumulate` argument of a backward kernel: 1 adds to the gradient, 0 replaces it.
  var kernelFlag: KernelArgument { .int32(self == .accumulate ? 1 : 0) }
}

extension KernelArgument {
  /// Makes a `uint` kernel argument from the `Int32` of the same bits.
  static func uint32(_ value: UInt32) -> KernelArgument { .int32(Int32(bitPattern: value)) }
}

extension Int {
  /// The smallest power of two at or above this value (1 for values below 2).
  var nextPowerOfTwo: Int {
    var power = 1
    while power < self {
      power *= 2
    }
    return power
  }
}
