import Foundation

/// The strict safetensors reader: framing, header JSON, entries, then the data layout.
///
/// Every index into `bytes` is checked first, so any input either decodes to consistent tensors
/// or raises a `SafetensorsError`. The checks run in a fixed order, and entries are checked in
/// name order, so that one input always raises the same error.
struct SafetensorsDecoder {
  let bytes: [UInt8]
  let file: String

  func decode() throws -> SafetensorsFile {
    let headerLength = try readHeaderLength()
    let header = Array(bytes[8..<(8 + headerLength)])
    let object = try parseHeader(header)
    try checkDuplicateKeys(header, object)
    let metadata = try readMetadata(object[SafetensorsFile.metadataKey])
    let dataStart = 8 + headerLength
    let dataLength = bytes.count - dataStart
    let names = object.keys.filter { $0 != SafetensorsFile.metadataKey }.sorted(by: utf8Precedes)
    let entries = try names.map { name in
      try SafetensorsEntry(
        name: name, value: object[name] as Any, dataLength: dataLength, file: file)
    }
    try checkLayout(entries, dataLength: dataLength)

    var tensors: [String: SafetensorsTensor] = [:]
    for entry in entries {
      let data = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
      tensors[entry.name] = SafetensorsTensor(
        checkedDType: entry.dtype, shape: entry.shape, bytes: data)
    }
    return SafetensorsFile(tensors: tensors, metadata: metadata, source: file)
  }

  private func failure(_ kind: SafetensorsError.Kind, _ message: String) -> SafetensorsError {
    SafetensorsError(kind, file: file, message)
  }

  /// Reads the 8-byte little-endian header length and checks it against the cap and the file.
  private func readHeaderLength() throws -> Int {
    guard bytes.count >= 8 else {
      throw failure(
        .fileTooShort, "the file has \(bytes.count) bytes, fewer than the 8 of the header length")
    }
    var length: UInt64 = 0
    for index in (0..<8).reversed() {
      length = length << 8 | UInt64(bytes[index])
    }
    guard length <= UInt64(SafetensorsFile.maximumHeaderLength) else {
      throw failure(
        .headerTooLarge,
        "the header length \(length) exceeds the maximum of "
          + "\(SafetensorsFile.maximumHeaderLength) bytes")
    }
    guard Int(length) <= bytes.count - 8 else {
      throw failure(
        .headerBeyondFile,
        "the header length \(length) reaches past the end of the file, which "
          + "has \(bytes.count - 8) bytes after the length")
    }
    return Int(length)
  }

  /// Decodes the header text into its top-level JSON object.
  private func parseHeader(_ header: [UInt8]) throws -> [String: Any] {
    guard String(validating: header, as: UTF8.self) != nil else {
      throw failure(.invalidUTF8, "the header is not valid UTF-8")
    }
    guard header.first == UInt8(ascii: "{") else {
      let start = header.first.map { "byte \($0)" } ?? "nothing"
      throw failure(.headerNotObject, "the header starts with \(start), expected '{'")
    }
    let value: Any
    do {
      value = try JSONSerialization.jsonObject(with: Data(header), options: [])
    } catch {
      let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
      throw failure(.invalidJSON, "the header is not valid JSON: \(reason ?? "\(error)")")
    }
    guard let object = value as? [String: Any] else {
      throw failure(.headerNotObject, "the header is \(describeJSON(value)), expected an object")
    }
    return object
  }

  /// Raises `duplicateKey` when the text has more keys than the parsed objects kept.
  private func checkDuplicateKeys(_ header: [UInt8], _ object: [String: Any]) throws {
    let scan = HeaderKeyScan(header)
    if scan.topLevelKeys.count != object.count {
      let name = HeaderKeyScan.firstDuplicate(header, scan.topLevelKeys) ?? "?"
      throw failure(.duplicateKey, "the name '\(name)' appears twice in the header")
    }
    for (rawKey, fieldKeys) in zip(scan.topLevelKeys, scan.nestedKeys) where !fieldKeys.isEmpty {
      guard let name = HeaderKeyScan.decodeKey(header, rawKey),
        let fields = object[name] as? [String: Any], fields.count != fieldKeys.count
      else { continue }
      let key = HeaderKeyScan.firstDuplicate(header, fieldKeys) ?? "?"
      throw SafetensorsError(
        .duplicateKey, file: file, tensor: name, "the key '\(key)' appears twice in the entry")
    }
  }

  private func readMetadata(_ value: Any?) throws -> [String: String] {
    guard let value else { return [:] }
    guard let object = value as? [String: Any] else {
      throw failure(
        .invalidMetadata, "__metadata__ is \(describeJSON(value)), expected an object of strings")
    }
    var metadata: [String: String] = [:]
    for key in object.keys.sorted(by: utf8Precedes) {
      guard let text = object[key] as? String else {
        throw failure(
          .invalidMetadata,
          "__metadata__ value of '\(key)' is \(describeJSON(object[key] as Any))"
            + ", expected a string")
      }
      metadata[key] = text
    }
    return metadata
  }

  /// Checks that the tensors tile the data exactly: no overlap, no gap, nothing after the last.
  private func checkLayout(_ entries: [SafetensorsEntry], dataLength: Int) throws {
    let ordered = entries.sorted { left, right in
      if (left.begin, left.end) != (right.begin, right.end) {
        return (left.begin, left.end) < (right.begin, right.end)
      }
      return utf8Precedes(left.name, right.name)
    }
    var position = 0
    var previous: SafetensorsEntry?
    for entry in ordered {
      if entry.begin < position, let previous {
        throw SafetensorsError(
          .overlappingTensors, file: file, tensor: entry.name,
          "data_offsets [\(entry.begin), \(entry.end)] overlap tensor '\(previous.name)' at "
            + "[\(previous.begin), \(previous.end)]")
      }
      if entry.begin > position {
        throw SafetensorsError(
          .gapBetweenTensors, file: file, tensor: entry.name,
          "data bytes \(position)..<\(entry.begin) before this tensor belong to no tensor")
      }
      position = entry.end
      previous = entry
    }
    if position != dataLength {
      throw failure(
        .trailingBytes,
        "\(dataLength - position) data bytes after offset \(position) belong to "
          + "no tensor")
    }
  }
}

/// Orders strings by their UTF-8 bytes, as the reference writer orders names.
func utf8Precedes(_ left: String, _ right: String) -> Bool {
  left.utf8.lexicographicallyPrecedes(right.utf8)
}
