/// Storage that a backend attaches to a tensor: host memory for the CPU reference, a device
/// buffer for OpenCL.
public protocol TensorStorage: AnyObject {}

/// A dense, contiguous, row-major array of `float32` or `int32` values owned by one backend.
///
/// Activations are `[N, C, L]` (batch, channels, length); see each `Backend` method for the
/// shapes it expects. A tensor is only valid with the backend that made it.
public final class Tensor {
  public let shape: [Int]
  public let elementType: ElementType
  public let storage: TensorStorage

  public init(shape: [Int], elementType: ElementType, storage: TensorStorage) {
    self.shape = shape
    self.elementType = elementType
    self.storage = storage
  }

  /// Number of elements: the product of `shape`.
  public var count: Int { shape.reduce(1, *) }

  public var rank: Int { shape.count }
}

/// Whether a backward pass overwrites its output gradient or adds to what it already contains.
public enum GradientMode: Sendable {
  case overwrite
  case accumulate
}

/// The activation fused into an op's epilogue.
public enum Activation: String, Sendable {
  case none
  case relu
}

/// An error raised when tensors passed to an op do not fit together.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
  public var op: String
  public var message: String

  public init(op: String, _ message: String) {
    self.op = op
    self.message = message
  }

  public var description: String { "\(op): \(message)" }
}

/// Throws a `ShapeError` for `op` unless `tensor` has exactly `expected` shape and element type.
public func expectShape(
  _ tensor: Tensor, _ expected: [Int], _ name: String, op: String,
  type: ElementType = .float32
) throws {
  guard tensor.shape == expected else {
    throw ShapeError(op: op, "\(name) has shape \(tensor.shape), expected \(expected)")
  }
  guard tensor.elementType == type else {
    throw ShapeError(op: op, "\(name) has element type \(tensor.elementType), expected \(type)")
  }
}
