import Foundation

/// The normalisation a reader applies to each example's text after splitting off the label.
///
/// Every mode trims leading and trailing whitespace. `.agNews` first undoes the escapes that
/// AG News (Zhang, Zhao and LeCun 2015, `ag_news_csv`) left in its text, in one left-to-right
/// pass so that no output is decoded twice:
/// - `\$` becomes `$`. Any other run of backslashes marks a line break of the original article
///   and becomes one space. A `\n` is read the same way, as a break followed by the letter `n`,
///   because every `\n` in the published test split starts a word (`social\network`).
/// - Entities whose `&` was replaced by a space (` #39;`, ` quot;`, ` #36;`, ` amp;`) become
///   their character, consuming that space: `isn #39;t` becomes `isn't`.
/// - Intact entities (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NNN;`) become their character.
/// - Numeric references 128 to 159 are read as Windows-1252, as HTML5 does, so ` #146;` is `’`.
/// - The bold tags `<b>` and `</b>` that decoding produces are removed.
/// - Runs of whitespace become one space.
public enum TextCleaning: String, Codable, CaseIterable, Sendable {
  case none
  case agNews

  /// Returns `text` cleaned by this mode.
  public func apply(_ text: String) -> String {
    switch self {
    case .none:
      return text.trimmingCharacters(in: .whitespacesAndNewlines)
    case .agNews:
      var bytes = Array(text.utf8)
      if bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") }) {
        bytes = decodeNewsEscapes(bytes)
      }
      return String(decoding: collapseWhitespace(bytes, droppingBoldTags: true), as: UTF8.self)
    }
  }
}

/// Decodes backslash escapes and whole or space-stripped HTML entities in UTF-8 `bytes`, as
/// `TextCleaning.agNews` describes. Every byte it matches is ASCII, so multi-byte characters
/// pass through unchanged.
private func decodeNewsEscapes(_ bytes: [UInt8]) -> [UInt8] {
  var output: [UInt8] = []
  output.reserveCapacity(bytes.count)
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    switch byte {
    case UInt8(ascii: "\\"):
      if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "$") {
        output.append(UInt8(ascii: "$"))
        index += 2
      } else {
        while index < bytes.count, bytes[index] == UInt8(ascii: "\\") { index += 1 }
        output.append(UInt8(ascii: " "))
      }
    case UInt8(ascii: " "), UInt8(ascii: "&"):
      if let (decoded, length) = parseEntity(bytes, at: index + 1) {
        output.append(contentsOf: String(decoded).utf8)
        index += 1 + length
      } else {
        output.append(byte)
        index += 1
      }
    default:
      output.append(byte)
      index += 1
    }
  }
  return output
}

private let namedEntities: [String: Unicode.Scalar] = [
  "quot": "\"", "amp": "&", "lt": "<", "gt": ">", "apos": "'", "nbsp": " ", "hellip": "\u{2026}",
  "mdash": "\u{2014}", "ndash": "\u{2013}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
  "ldquo": "\u{201C}", "rdquo": "\u{201D}",
]

/// Windows-1252 characters for bytes 0x80...0x9F; zero marks a byte that it leaves undefined.
private let windows1252: [UInt32] = [
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
]

/// Parses `#digits;` or `name;` starting at `start`, returning the character and the number of
/// bytes consumed, or nil when no known entity starts there.
private func parseEntity(_ bytes: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
  var end = start
  let limit = min(bytes.count, start + 10)
  while end < limit, bytes[end] != UInt8(ascii: ";") { end += 1 }
  guard end < limit, end > start else { return nil }
  let body = String(decoding: bytes[start..<end], as: UTF8.self)
  let length = end - start + 1
  if body.hasPrefix("#") {
    guard let value = UInt32(body.dropFirst()), body.count > 1 else { return nil }
    var codePoint = value
    if (0x80...0x9F).contains(value), windows1252[Int(value - 0x80)] != 0 {
      codePoint = windows1252[Int(value - 0x80)]
    }
    guard codePoint != 0, let decoded = Unicode.Scalar(codePoint) else { return nil }
    return (decoded, length)
  }
  guard let decoded = namedEntities[body] else { return nil }
  return (decoded, length)
}

/// Replaces each run of whitespace in UTF-8 `bytes` (and, when asked, each `<b>` or `</b>` tag
/// in any case) with one space, and trims both ends.
func collapseWhitespace(_ bytes: [UInt8], droppingBoldTags: Bool) -> [UInt8] {
  var output: [UInt8] = []
  output.reserveCapacity(bytes.count)
  var pendingSpace = false
  var index = 0
  while index < bytes.count {
    let skipped = whitespaceLength(bytes, at: index, droppingBoldTags: droppingBoldTags)
    if skipped > 0 {
      pendingSpace = !output.isEmpty
      index += skipped
      continue
    }
    if pendingSpace { output.append(UInt8(ascii: " ")) }
    pendingSpace = false
    output.append(bytes[index])
    index += 1
  }
  return output
}

/// Returns the byte length of the whitespace character or bold tag at `index`, or 0 when none
/// starts there.
private func whitespaceLength(_ bytes: [UInt8], at index: Int, droppingBoldTags: Bool) -> Int {
  let byte = bytes[index]
  if byte < 0x80 {
    if isASCIIWhitespace(byte) { return 1 }
    guard droppingBoldTags, byte == UInt8(ascii: "<") else { return 0 }
    for tag in ["<b>", "</b>"] where index + tag.utf8.count <= bytes.count {
      let candidate = bytes[index..<(index + tag.utf8.count)].map { $0 | 0x20 }
      if candidate.elementsEqual(tag.utf8.map { $0 | 0x20 }) { return tag.utf8.count }
    }
    return 0
  }
  guard byte >= 0xC0 else { return 0 }
  var length = 2
  if byte >= 0xF0 {
    length = 4
  } else if byte >= 0xE0 {
    length = 3
  }
  guard index + length <= bytes.count else { return 0 }
  let character = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
  let isWhitespace =
    character.unicodeScalars.count == 1
    && character.unicodeScalars.first!.properties.isWhitespace
  return isWhitespace ? length : 0
}
