import Foundation

/// The bytes of one data file, read whole, with a leading UTF-8 byte order mark skipped.
struct DataFile {
  let path: String
  let bytes: [UInt8]
  /// Index of the first byte after the byte order mark, if any.
  let start: Int

  /// Reads the file at `url`, raising `DataError` for a missing path, a folder or a read failure.
  static func load(_ url: URL) throws -> DataFile {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DataError.fileNotFound(path: path)
    }
    guard !isDirectory.boolValue else {
      throw DataError.notAFile(path: path)
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw DataError.unreadable(path: path, reason: error.localizedDescription)
    }
    return DataFile(path: path, bytes: [UInt8](data))
  }

  init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    let hasByteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
    start = hasByteOrderMark ? 3 : 0
  }

  /// Returns the index of the first `byte` in `range`, found with `memchr`.
  func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
    guard !range.isEmpty else { return nil }
    return bytes.withUnsafeBufferPointer { buffer in
      let base = buffer.baseAddress!
      guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else {
        return nil
      }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// Whether the file contains nothing but ASCII whitespace after the byte order mark.
  var isBlank: Bool {
    bytes[start...].allSatisfy(isASCIIWhitespace)
  }

  /// Returns the physical lines, split on LF, each without its LF and without a CR just before it.
  /// A final line without LF is included, and the empty piece after a final LF is not.
  func lines() -> [LineSlice] {
    var result: [LineSlice] = []
    var lineStart = start
    var number = 1
    while lineStart < bytes.count {
      let lineEnd = firstIndex(of: 0x0A, in: lineStart..<bytes.count) ?? bytes.count
      var contentEnd = lineEnd
      if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D {
        contentEnd -= 1
      }
      result.append(LineSlice(number: number, range: lineStart..<contentEnd))
      lineStart = lineEnd + 1
      number += 1
    }
    return result
  }
}

/// One physical line of a file: its 1-based number and the byte range of its content.
struct LineSlice {
  let number: Int
  let range: Range<Int>
}

@inline(__always)
func isASCIIWhitespace(_ byte: UInt8) -> Bool {
  byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
}

/// Decodes `bytes` as UTF-8, reading each byte that does not begin a valid UTF-8 sequence as
/// ISO-8859-1 (so the lone byte 0xF0 becomes U+00F0 `ð`), so no input is dropped or fatal.
///
/// Returns the text and whether any byte needed the ISO-8859-1 reading.
func decodeText(_ bytes: ArraySlice<UInt8>) -> (text: String, usedLatin1: Bool) {
  if let text = String(validating: bytes, as: UTF8.self) {
    return (text, false)
  }
  var scalars = String.UnicodeScalarView()
  var index = bytes.startIndex
  while index < bytes.endIndex {
    if let (scalar, length) = decodeUTF8Scalar(bytes, at: index) {
      scalars.append(scalar)
      index += length
    } else {
      scalars.append(Unicode.Scalar(bytes[index]))
      index += 1
    }
  }
  return (String(scalars), true)
}

/// Returns the scalar encoded at `index` and its length in bytes, or nil when the bytes there are
/// not a well-formed UTF-8 sequence: overlong forms, surrogates and values above U+10FFFF are
/// rejected.
private func decodeUTF8Scalar(_ bytes: ArraySlice<UInt8>, at index: Int)
  -> (Unicode.Scalar, Int)?
{
  let lead = bytes[index]
  let length: Int
  var secondRange: ClosedRange<UInt8> = 0x80...0xBF
  var value: UInt32
  switch lead {
  case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
  case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
  case 0xE0: length = 3; value = 0; secondRange = 0xA0...0xBF
  case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(lead & 0x0F)
  case 0xED: length = 3; value = 0x0D; secondRange = 0x80...0x9F
  case 0xF0: length = 4; value = 0; secondRange = 0x90...0xBF
  case 0xF1...0xF3: length = 4; value = UInt32(lead & 0x07)
  case 0xF4: length = 4; value = 4; secondRange = 0x80...0x8F
  default: return nil
  }
  guard index + length <= bytes.endIndex else { return nil }
  for offset in 1..<length {
    let byte = bytes[index + offset]
    let range = offset == 1 ? secondRange : 0x80...0xBF
    guard range.contains(byte) else { return nil }
    value = value << 6 | UInt32(byte & 0x3F)
  }
  guard let scalar = Unicode.Scalar(value) else { return nil }
  return (scalar, length)
}
