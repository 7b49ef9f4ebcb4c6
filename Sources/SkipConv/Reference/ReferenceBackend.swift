/// Host memory of a reference tensor.
public final class HostStorage: TensorStorage {
  public var floats: [Float]
  public var ints: [Int32]

  init(_ elementType: ElementType, count: Int) {
    floats = elementType == .float32 ? [Float](repeating: .nan, count: count) : []
    ints = elementType == .int32 ? [Int32](repeating: 0, count: count) : []
  }
}

/// The CPU reference implementation of `Backend`: plain loops with `Double` accumulation and no
/// tiling, written to be read and trusted, never to be fast. It is the ground truth that the
/// OpenCL kernels are checked against.
public final class ReferenceBackend: Backend {
  public let name = "reference"

  public init() {}

  // MARK: Tensors

  public func makeTensor(_ shape: [Int], _ elementType: ElementType) throws -> Tensor {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw ShapeError(op: "makeTensor", "negative size in shape \(shape)")
    }
    let storage = HostStorage(elementType, count: shape.reduce(1, *))
    return Tensor(shape: shape, elementType: elementType, storage: storage)
  }

  public func upload(_ values: [Float], to tensor: Tensor) throws {
    try checkCount(values.count, tensor, "upload")
    try host(tensor).floats = values
  }

  public func upload(_ values: [Int32], to tensor: Tensor) throws {
    try checkCount(values.count, tensor, "upload")
    try host(tensor).ints = values
  }

  public func uploadAsync(_ values: [Int32], to tensor: Tensor) throws {
    try upload(values, to: tensor)
  }

  public func download(_ tensor: Tensor) throws -> [Float] {
    try host(tensor).floats
  }

  public func download(_ tensor: Tensor) throws -> [Int32] {
    try host(tensor).ints
  }

  public func fill(_ tensor: Tensor, with value: Float) throws {
    let storage = try host(tensor)
    switch tensor.elementType {
    case .float32: storage.floats = [Float](repeating: value, count: tensor.count)
    case .int32: storage.ints = [Int32](repeating: Int32(value), count: tensor.count)
    }
  }

  public func copy(_ source: Tensor, to destination: Tensor) throws {
    guard source.count == destination.count, source.elementType == destination.elementType else {
      throw ShapeError(
        op: "copy", "cannot copy \(source.shape) \(source.elementType) to "
          + "\(destination.shape) \(destination.elementType)")
    }
    try host(destination).floats = try host(source).floats
    try host(destination).ints = try host(source).ints
  }

  public func synchronize() throws {}

  func host(_ tensor: Tensor) throws -> HostStorage {
    guard let storage = tensor.storage as? HostStorage else {
      throw ShapeError(op: "reference", "tensor \(tensor.shape) was not made by the reference backend")
    }
    return storage
  }

  // MARK: Storage access for the ops

  func floats(_ tensor: Tensor) throws -> [Float] {
    try host(tensor).floats
  }

  func ints(_ tensor: Tensor) throws -> [Int32] {
    try host(tensor).ints
  }

  func store(_ values: [Float], in tensor: Tensor) throws {
    try host(tensor).floats = values
  }

  func store(_ values: [Int32], in tensor: Tensor) throws {
    try host(tensor).ints = values
  }

  /// Stores a freshly computed `gradient` in `tensor`, replacing its values or adding to them.
  func storeGradient(_ gradient: [Float], in tensor: Tensor, mode: GradientMode) throws {
    let storage = try host(tensor)
    storage.floats = ReferenceOps.combine(gradient, into: storage.floats, mode: mode)
  }

  private func checkCount(_ count: Int, _ tensor: Tensor, _ op: String) throws {
    guard count == tensor.count else {
      throw ShapeError(op: op, "\(count) values given for a tensor of shape \(tensor.shape)")
    }
  }
}
