/// One tensor of a safetensors file: dtype, shape and its raw little-endian, row-major bytes.
///
/// Every value of this type is consistent: the shape has no negative dimension and `bytes` contains
/// exactly the element count times the dtype size. Shape `[]` is a scalar with one element, and a
/// zero dimension gives an empty tensor.
public struct SafetensorsTensor: Equatable, Sendable {
  public let dtype: SafetensorsDType
  public let shape: [Int]
  public let bytes: [UInt8]

  /// Creates a tensor from raw little-endian bytes.
  ///
  /// - Throws: `SafetensorsError` of kind `invalidShape`, `elementCountOverflow` or
  ///   `sizeMismatch` when `bytes` does not fit `dtype` and `shape`.
  public init(dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) throws {
    let byteCount = try Self.byteCount(dtype: dtype, shape: shape, file: nil, tensor: nil)
    guard bytes.count == byteCount else {
      throw SafetensorsError(
        .sizeMismatch, file: nil,
        "\(bytes.count) bytes given for \(dtype.rawValue) shape \(shape), which needs \(byteCount)")
    }
    self.init(checkedDType: dtype, shape: shape, bytes: bytes)
  }

  /// Creates a tensor whose consistency the caller has already checked.
  init(checkedDType dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  public init(float32 values: [Float], shape: [Int]) throws {
    try self.init(dtype: .float32, shape: shape, bytes: littleEndianBytes(values.map(\.bitPattern)))
  }

  public init(float64 values: [Double], shape: [Int]) throws {
    try self.init(dtype: .float64, shape: shape, bytes: littleEndianBytes(values.map(\.bitPattern)))
  }

  public init(int32 values: [Int32], shape: [Int]) throws {
    try self.init(dtype: .int32, shape: shape, bytes: littleEndianBytes(values))
  }

  public init(int64 values: [Int64], shape: [Int]) throws {
    try self.init(dtype: .int64, shape: shape, bytes: littleEndianBytes(values))
  }

  /// Number of elements: the product of `shape`, 1 for a scalar.
  public var elementCount: Int { bytes.count / dtype.byteSize }

  /// Returns the elements of an `F32` tensor, or throws `unexpectedDType` for another dtype.
  public func float32Values() throws -> [Float] {
    try requireDType(.float32)
    return fromLittleEndianBytes(bytes, as: UInt32.self).map(Float.init(bitPattern:))
  }

  /// Returns the elements of an `F64` tensor, or throws `unexpectedDType` for another dtype.
  public func float64Values() throws -> [Double] {
    try requireDType(.float64)
    return fromLittleEndianBytes(bytes, as: UInt64.self).map(Double.init(bitPattern:))
  }

  /// Returns the elements of an `I32` tensor, or throws `unexpectedDType` for another dtype.
  public func int32Values() throws -> [Int32] {
    try requireDType(.int32)
    return fromLittleEndianBytes(bytes, as: Int32.self)
  }

  /// Returns the elements of an `I64` tensor, or throws `unexpectedDType` for another dtype.
  public func int64Values() throws -> [Int64] {
    try requireDType(.int64)
    return fromLittleEndianBytes(bytes, as: Int64.self)
  }

  private func requireDType(_ expected: SafetensorsDType) throws {
    guard dtype == expected else {
      throw SafetensorsError(
        .unexpectedDType, file: nil,
        "elements requested as \(expected.rawValue) from a \(dtype.rawValue) tensor")
    }
  }

  /// Returns the byte count of a tensor, or throws when a dimension is negative or the count
  /// overflows `Int`.
  static func byteCount(dtype: SafetensorsDType, shape: [Int], file: String?, tensor: String?)
    throws -> Int
  {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else {
        throw SafetensorsError(
          .invalidShape, file: file, tensor: tensor,
          "shape \(shape) has the negative dimension \(dimension)")
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else {
        throw SafetensorsError(
          .elementCountOverflow, file: file, tensor: tensor,
          "the element count of shape \(shape) exceeds \(Int.max)")
      }
      count = product
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow else {
      throw SafetensorsError(
        .elementCountOverflow, file: file, tensor: tensor,
        "\(count) elements of \(dtype.rawValue) take more than \(Int.max) bytes")
    }
    return byteCount
  }
}

/// The little-endian bytes of `values`, one after the other.
private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
  #if _endian(little)
    return values.withUnsafeBytes { Array($0) }
  #else
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
    for value in values {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return bytes
  #endif
}

/// Integers read from consecutive little-endian groups of `bytes`; a partial group at the end is
/// ignored, which never happens for a consistent tensor.
private func fromLittleEndianBytes<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> [T] {
  let size = MemoryLayout<T>.size
  let count = bytes.count / size
  return [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
    bytes.withUnsafeBytes { raw in
      for index in 0..<count {
        let value = raw.loadUnaligned(fromByteOffset: index * size, as: T.self)
        buffer[index] = T(littleEndian: value)
      }
    }
    initializedCount = count
  }
}
