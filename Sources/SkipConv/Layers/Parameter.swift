/// A trainable tensor, its gradient, and its name in checkpoints (PyTorch's `state_dict` key).
public final class Parameter {
  public let name: String
  public let value: Tensor
  public let gradient: Tensor

  init(name: String, shape: [Int], backend: Backend) throws {
    self.name = name
    value = try backend.makeTensor(shape, .float32)
    gradient = try backend.makeTensor(shape, .float32)
    try backend.fill(gradient, with: 0)
  }

  public var shape: [Int] { value.shape }
  public var count: Int { value.count }
}

/// How a parameter starts, following PyTorch's defaults so that the same model trains alike.
enum Initializer {
  /// `U(-1/sqrt(fanIn), 1/sqrt(fanIn))`: PyTorch's default for `Conv1d` and `Linear` weights
  /// (Kaiming uniform with `a = sqrt(5)`) and biases.
  case fanInUniform(fanIn: Int)
  /// `N(0, std^2)`, with row 0 (padding) set to zero; `std = 1` is PyTorch's default for
  /// `nn.Embedding`.
  case embeddingNormal(std: Float)
  case constant(Float)

  func values(count: Int, shape: [Int], random: inout SeededGenerator) -> [Float] {
    switch self {
    case .fanInUniform(let fanIn):
      let bound = 1 / Float(fanIn).squareRoot()
      return random.uniform(count, in: -bound..<bound)
    case .embeddingNormal(let std):
      var values = (0..<count).map { _ in random.nextNormal() * std }
      for e in 0..<shape[1] {
        values[e] = 0
      }
      return values
    case .constant(let value):
      return [Float](repeating: value, count: count)
    }
  }
}

/// Tensors a layer keeps between forward and backward, reused while the batch shape stays the same.
final class Workspace {
  private let backend: Backend
  private var tensors: [String: Tensor] = [:]

  init(backend: Backend) {
    self.backend = backend
  }

  /// Returns the tensor called `name` with `shape`, allocating it when the shape changed.
  func tensor(_ name: String, _ shape: [Int], _ elementType: ElementType = .float32) throws
    -> Tensor
  {
    if let tensor = tensors[name], tensor.shape == shape, tensor.elementType == elementType {
      return tensor
    }
    tensors[name] = nil
    let tensor = try backend.makeTensor(shape, elementType)
    tensors[name] = tensor
    return tensor
  }

  /// Releases every tensor, for example before a batch of a very different size.
  func removeAll() {
    tensors.removeAll()
  }
}
