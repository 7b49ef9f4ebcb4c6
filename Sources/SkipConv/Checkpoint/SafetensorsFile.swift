import Foundation

/// The contents of a safetensors file: named tensors and string metadata.
///
/// The file starts with the header length as an 8-byte little-endian unsigned integer. The
/// header follows: a JSON object that maps each tensor name to its `dtype`, `shape` and
/// `data_offsets`, which are begin and end relative to the first data byte. String metadata is
/// under `__metadata__`. The tensors' bytes come last, back to back and little-endian.
public struct SafetensorsFile: Equatable, Sendable {
  /// Header key of the metadata object, reserved for it.
  public static let metadataKey = "__metadata__"
  /// Largest header the reader accepts, in bytes; the reference reader has the same limit.
  public static let maximumHeaderLength = 100_000_000

  public var tensors: [String: SafetensorsTensor]
  public var metadata: [String: String]
  /// The path or label the contents were read from, or nil for contents built in memory. Errors
  /// from `expect` and `metadataValue` name it.
  public var source: String?

  public init(
    tensors: [String: SafetensorsTensor] = [:], metadata: [String: String] = [:],
    source: String? = nil
  ) {
    self.tensors = tensors
    self.metadata = metadata
    self.source = source
  }

  /// Decodes and checks a whole file held in memory.
  ///
  /// - Parameter file: the path or label that errors name.
  /// - Throws: `SafetensorsError` when the bytes are not a well-formed safetensors file. The
  ///   error's `kind` names the rule they break.
  public init(bytes: [UInt8], file: String = "safetensors data") throws {
    self = try SafetensorsDecoder(bytes: bytes, file: file).decode()
  }

  /// Reads and checks the file at `url`.
  ///
  /// - Throws: `FileOperationError` when the file cannot be read, `SafetensorsError` when its
  ///   contents are not well formed.
  public init(contentsOf url: URL) throws {
    let bytes = try readFile(url)
    try self.init(bytes: bytes, file: url.path)
  }

  /// Compares tensors and metadata; `source` is not part of the contents.
  public static func == (left: SafetensorsFile, right: SafetensorsFile) -> Bool {
    left.tensors == right.tensors && left.metadata == right.metadata
  }

  /// Returns the tensor `name` after checking its dtype and shape.
  ///
  /// - Throws: `SafetensorsError` of kind `tensorNotFound`, `unexpectedDType` or
  ///   `unexpectedShape`, naming the tensor and both the expected and the found value.
  public func expect(_ name: String, dtype: SafetensorsDType, shape: [Int]) throws
    -> SafetensorsTensor
  {
    guard let tensor = tensors[name] else {
      throw SafetensorsError(
        .tensorNotFound, file: source, tensor: name,
        "not found; expected \(dtype.rawValue) shape \(shape)")
    }
    guard tensor.dtype == dtype else {
      throw SafetensorsError(
        .unexpectedDType, file: source, tensor: name,
        "dtype is \(tensor.dtype.rawValue), expected \(dtype.rawValue)")
    }
    guard tensor.shape == shape else {
      throw SafetensorsError(
        .unexpectedShape, file: source, tensor: name,
        "shape is \(tensor.shape), expected \(shape)")
    }
    return tensor
  }

  /// Returns the metadata value of `key`, or throws `metadataNotFound` naming the key.
  public func metadataValue(_ key: String) throws -> String {
    guard let value = metadata[key] else {
      throw SafetensorsError(
        .metadataNotFound, file: source, "the metadata key '\(key)' is missing")
    }
    return value
  }

  /// Encodes the contents as the bytes of a safetensors file.
  ///
  /// Equal contents always give equal bytes. They are the bytes that the reference writer gives
  /// for the same tensors and at most one metadata key, as `SafetensorsEncoder` describes.
  ///
  /// - Throws: `SafetensorsError` of kind `reservedName` when a tensor is named `__metadata__`.
  public func serialized() throws -> [UInt8] {
    let encoder = try SafetensorsEncoder(self)
    var bytes = encoder.prefix
    bytes.reserveCapacity(encoder.prefix.count + encoder.dataLength)
    for tensor in encoder.orderedTensors {
      bytes.append(contentsOf: tensor.bytes)
    }
    return bytes
  }

  /// Writes the file to `url` atomically; see `AtomicFile.write(to:_:)`.
  ///
  /// - Throws: `SafetensorsError` as `serialized()` does, `FileOperationError` when a file
  ///   operation fails, in which case the file at `url` is unchanged.
  public func write(to url: URL) throws {
    let encoder = try SafetensorsEncoder(self)
    try AtomicFile.write(to: url) { output in
      try output.write(encoder.prefix)
      for tensor in encoder.orderedTensors {
        try output.write(tensor.bytes)
      }
    }
  }
}
