import Foundation

/// One tensor entry of a safetensors header after its fields have been checked.
struct SafetensorsEntry {
  var name: String
  var dtype: SafetensorsDType
  var shape: [Int]
  var begin: Int
  var end: Int

  static let fieldNames: Set<String> = ["dtype", "shape", "data_offsets"]

  /// Checks the entry `value` of tensor `name` field by field, in the order dtype, shape,
  /// data_offsets, then the size, for data of `dataLength` bytes.
  init(name: String, value: Any, dataLength: Int, file: String) throws {
    func failure(_ kind: SafetensorsError.Kind, _ message: String) -> SafetensorsError {
      SafetensorsError(kind, file: file, tensor: name, message)
    }
    guard let fields = value as? [String: Any] else {
      throw failure(
        .invalidFieldType,
        "the entry is \(describeJSON(value)), expected an object with "
          + "dtype, shape and data_offsets")
    }
    let unexpected = fields.keys.filter { !Self.fieldNames.contains($0) }.sorted()
    if let field = unexpected.first {
      throw failure(
        .unexpectedField,
        "unexpected field '\(field)'; an entry has only dtype, shape and "
          + "data_offsets")
    }
    self.name = name
    dtype = try Self.readDType(fields["dtype"], failure)
    shape = try Self.readShape(fields["shape"], failure)
    let byteCount = try SafetensorsTensor.byteCount(
      dtype: dtype, shape: shape, file: file, tensor: name)
    (begin, end) = try Self.readOffsets(fields["data_offsets"], dataLength: dataLength, failure)
    guard end - begin == byteCount else {
      throw failure(
        .sizeMismatch,
        "data_offsets [\(begin), \(end)] span \(end - begin) bytes, but "
          + "\(dtype.rawValue) shape \(shape) needs \(byteCount)")
    }
  }

  private typealias Failure = (SafetensorsError.Kind, String) -> SafetensorsError

  private static func readDType(_ value: Any?, _ failure: Failure) throws -> SafetensorsDType {
    guard let value else {
      throw failure(.missingField, "the field 'dtype' is missing")
    }
    guard let text = value as? String else {
      throw failure(.invalidFieldType, "dtype is \(describeJSON(value)), expected a string")
    }
    guard let dtype = SafetensorsDType(rawValue: text) else {
      let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
      throw failure(.unknownDType, "unknown dtype \"\(text)\"; supported dtypes: \(known)")
    }
    return dtype
  }

  private static func readShape(_ value: Any?, _ failure: Failure) throws -> [Int] {
    guard let value else {
      throw failure(.missingField, "the field 'shape' is missing")
    }
    guard let items = value as? [Any] else {
      throw failure(.invalidFieldType, "shape is \(describeJSON(value)), expected an array")
    }
    return try items.map { item in
      switch JSONInteger(item) {
      case .value(let dimension):
        return dimension
      case .tooLarge:
        throw failure(.elementCountOverflow, "shape value \(item) exceeds \(Int.max)")
      case .negative:
        throw failure(.invalidShape, "shape value \(item) is negative")
      case .notInteger:
        throw failure(.invalidShape, "shape value \(describeJSON(item)) is not an integer")
      }
    }
  }

  private static func readOffsets(_ value: Any?, dataLength: Int, _ failure: Failure) throws
    -> (Int, Int)
  {
    guard let value else {
      throw failure(.missingField, "the field 'data_offsets' is missing")
    }
    guard let items = value as? [Any], items.count == 2 else {
      throw failure(
        .invalidFieldType, "data_offsets is \(describeJSON(value)), expected [begin, end]")
    }
    let offsets = try items.map { item in
      switch JSONInteger(item) {
      case .value(let offset):
        return offset
      case .tooLarge:
        throw failure(
          .offsetsOutOfRange, "data offset \(item) lies past the \(dataLength) data bytes")
      case .negative, .notInteger:
        throw failure(
          .invalidOffsets, "data offset \(describeJSON(item)) is not a non-negative integer")
      }
    }
    let (begin, end) = (offsets[0], offsets[1])
    guard begin <= end else {
      throw failure(.offsetsReversed, "data_offsets [\(begin), \(end)] end before they begin")
    }
    guard end <= dataLength else {
      throw failure(
        .offsetsOutOfRange,
        "data_offsets [\(begin), \(end)] reach past the \(dataLength) data "
          + "bytes")
    }
    return (begin, end)
  }
}

/// A JSON number from JSONSerialization, classified by what the literal allows.
///
/// Only an integer literal counts as an integer: `3.0`, `3e0` and `true` do not, as in the
/// reference reader. JSONSerialization in swift-corelibs-foundation (Swift 6.3) reports booleans
/// with Objective-C type `c`, numbers written with a fraction or an exponent with `d`, and
/// integers beyond 64 bits as `NSDecimalNumber`. The reader tests cover each of these literals.
enum JSONInteger {
  case value(Int)
  case negative
  case tooLarge
  case notInteger

  init(_ value: Any) {
    guard let number = value as? NSNumber else {
      self = .notInteger
      return
    }
    if let decimal = number as? NSDecimalNumber {
      let parts = decimal.decimalValue
      if parts.exponent < 0 {
        self = .notInteger
      } else {
        self = parts.sign == .minus ? .negative : .tooLarge
      }
      return
    }
    switch String(cString: number.objCType) {
    case "c", "B", "d", "f":
      self = .notInteger
    case "Q", "L", "I", "S", "C":
      let unsigned = number.uint64Value
      self = unsigned > UInt64(Int.max) ? .tooLarge : .value(Int(unsigned))
    default:
      let signed = number.int64Value
      self = signed < 0 ? .negative : .value(Int(signed))
    }
  }
}

/// Formats a JSON value for error messages: scalars as JSON text (strings cut to 40 characters),
/// containers as "an array" or "an object".
func describeJSON(_ value: Any) -> String {
  switch value {
  case is NSNull:
    return "null"
  case let text as String:
    return "\"\(text.prefix(40))\""
  case is [Any]:
    return "an array"
  case is [String: Any]:
    return "an object"
  case let number as NSNumber:
    return String(cString: number.objCType) == "c" ? "\(number.boolValue)" : "\(number)"
  default:
    return "\(type(of: value))"
  }
}
