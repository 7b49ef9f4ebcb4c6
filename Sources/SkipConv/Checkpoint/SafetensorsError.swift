import Foundation

/// An error raised while reading, checking or writing safetensors data.
///
/// `kind` classifies the problem for code and tests; `description` names the file, the tensor when
/// there is one, what is wrong and what to do about it.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible, LocalizedError {
  public enum Kind: String, CaseIterable, Sendable {
    /// The file has fewer than the 8 bytes of the header length.
    case fileTooShort
    /// The header length exceeds `SafetensorsFile.maximumHeaderLength`.
    case headerTooLarge
    /// The header length points past the end of the file.
    case headerBeyondFile
    /// The header is not valid UTF-8.
    case invalidUTF8
    /// The header does not start with `{`, or its JSON value is not an object.
    case headerNotObject
    /// The header is not valid JSON.
    case invalidJSON
    /// A tensor name, a metadata key or a field of one entry appears twice.
    case duplicateKey
    /// `__metadata__` is not an object whose values are all strings.
    case invalidMetadata
    /// A tensor entry is not an object, or one of its fields has the wrong JSON type.
    case invalidFieldType
    /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField
    /// A tensor entry has a field other than `dtype`, `shape` and `data_offsets`.
    case unexpectedField
    /// The dtype is not one of `SafetensorsDType`.
    case unknownDType
    /// A shape value is negative or not an integer.
    case invalidShape
    /// A shape value, the element count or the byte count does not fit in `Int`.
    case elementCountOverflow
    /// A data offset is negative or not an integer.
    case invalidOffsets
    /// The end offset is smaller than the begin offset.
    case offsetsReversed
    /// The end offset lies past the end of the data.
    case offsetsOutOfRange
    /// The data size is not the element count times the dtype size.
    case sizeMismatch
    /// Two tensors share bytes.
    case overlappingTensors
    /// Some bytes between tensors belong to none of them.
    case gapBetweenTensors
    /// Bytes follow the last tensor.
    case trailingBytes
    /// A tensor is named `__metadata__`, which the format reserves.
    case reservedName
    /// A tensor that the caller expects is not in the file.
    case tensorNotFound
    /// A tensor has another dtype than the caller expects.
    case unexpectedDType
    /// A tensor has another shape than the caller expects.
    case unexpectedShape
    /// A metadata key that the caller expects is not in the file.
    case metadataNotFound
  }

  public var kind: Kind
  /// The file path, or the label given for bytes that did not come from a file; nil for a
  /// tensor built in memory.
  public var file: String?
  public var tensor: String?
  public var message: String

  public init(_ kind: Kind, file: String?, tensor: String? = nil, _ message: String) {
    self.kind = kind
    self.file = file
    self.tensor = tensor
    self.message = message
  }

  public var description: String {
    var text = ""
    if let file {
      text += "\(file): "
    }
    if let tensor {
      text += "tensor '\(tensor)': "
    }
    text += message
    if let advice {
      text += " (\(advice))"
    }
    return text
  }

  public var errorDescription: String? { description }

  /// What the reader of the message can do, by the group the kind belongs to.
  private var advice: String? {
    switch kind {
    case .tensorNotFound, .unexpectedDType, .unexpectedShape, .metadataNotFound:
      return "the checkpoint was written for another model configuration or program version"
    case .reservedName:
      return "rename the tensor"
    default:
      return file == nil ? nil : "the file is damaged or is not a safetensors file"
    }
  }
}
