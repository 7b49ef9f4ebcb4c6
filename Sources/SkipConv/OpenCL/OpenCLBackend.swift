/// The OpenCL implementation of `Backend`: tensors live in device buffers and every op is a kernel
/// from `Kernels/`, chosen per device class (see `KernelVariants`).
public final class OpenCLBackend: Backend {
  public let context: ComputeContext
  public let variants: KernelVariants

  public var name: String { context.info.name }

  /// Makes a backend on `context` with `variants`; by default the variants that `skipconv tune`
  /// stored for this device and driver, else the defaults of its device class.
  public init(context: ComputeContext, variants: KernelVariants? = nil) {
    self.context = context
    self.variants = variants ?? TunedVariants.load(for: context.info)?.variants(for: context.info)
      ?? KernelVariants.defaults(for: context.info)
  }

  /// Opens the device chosen by `selector`, `SKIPCONV_DEVICE` or the default rule.
  public convenience init(selector: DeviceSelector? = nil) throws {
    self.init(context: try ComputeContext(selector: selector))
  }

  // MARK: Tensors

  public func makeTensor(_ shape: [Int], _ elementType: ElementType) throws -> Tensor {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw ShapeError(op: "makeTensor", "negative size in shape \(shape)")
    }
    let count = shape.reduce(1, *)
    let buffer = try context.makeBuffer(elementType, count: count)
    return Tensor(shape: shape, elementType: elementType, storage: buffer)
  }

  public func upload(_ values: [Float], to tensor: Tensor) throws {
    try context.write(values, to: buffer(tensor, count: values.count, "upload"))
  }

  public func upload(_ values: [Int32], to tensor: Tensor) throws {
    try context.write(values, to: buffer(tensor, count: values.count, "upload"))
  }

  public func uploadAsync(_ values: [Int32], to tensor: Tensor) throws {
    try context.writeAsync(values, to: buffer(tensor, count: values.count, "upload"))
  }

  public func download(_ tensor: Tensor) throws -> [Float] {
    try context.read(buffer(tensor))
  }

  public func download(_ tensor: Tensor) throws -> [Int32] {
    try context.read(buffer(tensor))
  }

  public func fill(_ tensor: Tensor, with value: Float) throws {
    let storage = try buffer(tensor)
    switch tensor.elementType {
    case .float32: try context.fill(storage, with: value)
    case .int32: try context.fill(storage, with: Int32(value))
    }
  }

  public func copy(_ source: Tensor, to destination: Tensor) throws {
    guard source.count == destination.count, source.elementType == destination.elementType else {
      throw ShapeError(
        op: "copy", "cannot copy \(source.shape) \(source.elementType) to "
          + "\(destination.shape) \(destination.elementType)")
    }
    try context.copy(from: buffer(source), to: buffer(destination), count: source.count)
  }

  public func synchronize() throws {
    try context.finish()
  }

  /// The device buffer behind `tensor`, checking that this backend made it.
  func buffer(_ tensor: Tensor, count: Int? = nil, _ op: String = "op") throws -> DeviceBuffer {
    guard let buffer = tensor.storage as? DeviceBuffer else {
      throw ShapeError(op: op, "tensor \(tensor.shape) was not made by an OpenCL backend")
    }
    if let count, count != tensor.count {
      throw ShapeError(op: op, "\(count) values given for a tensor of shape \(tensor.shape)")
    }
    return buffer
  }
}

extension DeviceBuffer: TensorStorage {}
