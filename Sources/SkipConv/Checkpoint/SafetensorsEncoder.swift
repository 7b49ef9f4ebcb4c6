/// The layout and header that `SafetensorsFile` writes.
///
/// The layout follows the reference writer (huggingface/safetensors 0.8, checked byte for byte
/// against its Python package): tensors sorted by dtype in descending declaration order, then
/// by name in UTF-8 byte order, with no gap between them. The header is compact JSON with
/// `__metadata__` first when there is any metadata, then one entry per tensor in data order,
/// padded with spaces to a multiple of 8 bytes. Metadata keys are written in UTF-8 byte order.
/// The reference writer keeps them in a hash map, so its order varies from run to run.
struct SafetensorsEncoder {
  /// The 8-byte header length followed by the padded header.
  let prefix: [UInt8]
  let orderedTensors: [SafetensorsTensor]
  let dataLength: Int

  init(_ contents: SafetensorsFile) throws {
    if let tensor = contents.tensors[SafetensorsFile.metadataKey] {
      throw SafetensorsError(
        .reservedName, file: nil, tensor: SafetensorsFile.metadataKey,
        "a \(tensor.dtype.rawValue) tensor cannot take the name that the format reserves for "
          + "metadata")
    }
    let ordered = contents.tensors.sorted { left, right in
      if left.value.dtype != right.value.dtype {
        return left.value.dtype.writeRank > right.value.dtype.writeRank
      }
      return utf8Precedes(left.key, right.key)
    }

    var header: [UInt8] = Array("{".utf8)
    if !contents.metadata.isEmpty {
      Self.appendMetadata(contents.metadata, to: &header)
    }
    var offset = 0
    for (index, (name, tensor)) in ordered.enumerated() {
      if index > 0 || !contents.metadata.isEmpty {
        header.append(UInt8(ascii: ","))
      }
      Self.appendEntry(name, tensor, begin: offset, to: &header)
      offset += tensor.bytes.count
    }
    header.append(UInt8(ascii: "}"))
    header.append(
      contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

    var prefix: [UInt8] = []
    prefix.reserveCapacity(8 + header.count)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.append(contentsOf: $0) }
    prefix.append(contentsOf: header)
    self.prefix = prefix
    orderedTensors = ordered.map(\.value)
    dataLength = offset
  }

  /// Appends `"__metadata__":{...}` with the keys in UTF-8 byte order.
  private static func appendMetadata(_ metadata: [String: String], to header: inout [UInt8]) {
    appendJSONString(SafetensorsFile.metadataKey, to: &header)
    header.append(contentsOf: Array(":{".utf8))
    for (index, key) in metadata.keys.sorted(by: utf8Precedes).enumerated() {
      if index > 0 {
        header.append(UInt8(ascii: ","))
      }
      appendJSONString(key, to: &header)
      header.append(UInt8(ascii: ":"))
      appendJSONString(metadata[key] ?? "", to: &header)
    }
    header.append(UInt8(ascii: "}"))
  }

  /// Appends `"name":{"dtype":...,"shape":[...],"data_offsets":[begin,end]}`.
  private static func appendEntry(
    _ name: String, _ tensor: SafetensorsTensor, begin: Int, to header: inout [UInt8]
  ) {
    appendJSONString(name, to: &header)
    let shape = tensor.shape.map(String.init).joined(separator: ",")
    let end = begin + tensor.bytes.count
    let entry =
      ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
      + "\"data_offsets\":[\(begin),\(end)]}"
    header.append(contentsOf: Array(entry.utf8))
  }
}

/// Appends `text` as a JSON string literal, escaped as serde_json escapes it: `"` and `\`,
/// control characters as `\b \t \n \f \r` or `\u00xx`, everything else as raw UTF-8.
func appendJSONString(_ text: String, to output: inout [UInt8]) {
  let hexDigits = Array("0123456789abcdef".utf8)
  output.append(UInt8(ascii: "\""))
  for byte in text.utf8 {
    switch byte {
    case UInt8(ascii: "\""):
      output.append(contentsOf: Array("\\\"".utf8))
    case UInt8(ascii: "\\"):
      output.append(contentsOf: Array("\\\\".utf8))
    case 0x08:
      output.append(contentsOf: Array("\\b".utf8))
    case 0x09:
      output.append(contentsOf: Array("\\t".utf8))
    case 0x0A:
      output.append(contentsOf: Array("\\n".utf8))
    case 0x0C:
      output.append(contentsOf: Array("\\f".utf8))
    case 0x0D:
      output.append(contentsOf: Array("\\r".utf8))
    case 0x00..<0x20:
      output.append(contentsOf: Array("\\u00".utf8))
      output.append(hexDigits[Int(byte >> 4)])
      output.append(hexDigits[Int(byte & 0x0F)])
    default:
      output.append(byte)
    }
  }
  output.append(UInt8(ascii: "\""))
}
