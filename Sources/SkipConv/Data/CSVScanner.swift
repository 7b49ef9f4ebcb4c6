import Foundation

/// One CSV record: its fields and the 1-based line on which it starts.
struct CSVRecord {
  let line: Int
  let fields: [String]
  /// Whether a field contained bytes that are not UTF-8, read as ISO-8859-1.
  let usedLatin1: Bool
}

/// The outcome of scanning one record.
enum CSVScanResult {
  case record(CSVRecord)
  /// A quoted field opened on `line` runs to the end of the file; scanning stops there.
  case unterminatedQuote(line: Int)
  /// The record starting on `line` has a quoted field that spans lines, and text follows its
  /// closing quote on `closingLine`. That is the mark of a missing or extra quote, which made the
  /// field swallow the line breaks and fields after it. Scanning goes on after the record.
  case unbalancedQuote(line: Int, closingLine: Int)
}

/// A single-pass CSV scanner following RFC 4180. Commas separate fields, and LF or CRLF ends a
/// record. A field may be enclosed in double quotes, and then a doubled quote stands for one
/// quote, and commas and line breaks are part of the field.
///
/// Two lenient readings beyond the RFC, as Python's `csv` module does: bytes between a closing
/// quote and the next delimiter are appended to the field, and a quote inside an unquoted field
/// is kept as a literal character. Empty lines are skipped. Each byte is visited a constant
/// number of times, so a 10 MB record costs no more than 10 MB of short ones.
struct CSVScanner {
  private let bytes: [UInt8]
  private var position: Int
  private var line = 1
  /// The line of the closing quote of the current record's unbalanced quoted field, if any.
  private var unbalancedClosingLine: Int?

  private static let quote = UInt8(ascii: "\"")
  private static let comma = UInt8(ascii: ",")
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  init(file: DataFile) {
    bytes = file.bytes
    position = file.start
  }

  /// Scans the next non-empty record, or returns nil at the end of the file.
  mutating func next() -> CSVScanResult? {
    while position < bytes.count {
      let recordLine = line
      var fields: [String] = []
      var usedLatin1 = false
      var wasQuoted = false
      while true {
        let field: ArraySlice<UInt8>
        if bytes[position] == Self.quote {
          guard let content = scanQuotedField() else {
            position = bytes.count
            return .unterminatedQuote(line: recordLine)
          }
          field = content
          wasQuoted = true
        } else {
          field = scanUnquotedField()
        }
        let decoded = decodeText(field)
        fields.append(decoded.text)
        usedLatin1 = usedLatin1 || decoded.usedLatin1
        guard position < bytes.count, bytes[position] == Self.comma else { break }
        position += 1
        if position == bytes.count {
          fields.append("")
          break
        }
      }
      skipLineEnd()
      if let closingLine = unbalancedClosingLine {
        unbalancedClosingLine = nil
        return .unbalancedQuote(line: recordLine, closingLine: closingLine)
      }
      let isBlankLine = fields.count == 1 && fields[0].isEmpty && !wasQuoted
      if !isBlankLine {
        return .record(CSVRecord(line: recordLine, fields: fields, usedLatin1: usedLatin1))
      }
    }
    return nil
  }

  /// Consumes the LF that ends a record (the CR before it was already excluded from the field).
  private mutating func skipLineEnd() {
    if position < bytes.count, bytes[position] == Self.lineFeed {
      position += 1
      line += 1
    }
  }

  /// Scans an unquoted field up to the next comma or line end; a CR just before LF is dropped.
  private mutating func scanUnquotedField() -> ArraySlice<UInt8> {
    let fieldStart = position
    while position < bytes.count {
      let byte = bytes[position]
      if byte == Self.comma || byte == Self.lineFeed { break }
      position += 1
    }
    var fieldEnd = position
    let endsLine = position < bytes.count && bytes[position] == Self.lineFeed
    if endsLine, fieldEnd > fieldStart, bytes[fieldEnd - 1] == Self.carriageReturn {
      fieldEnd -= 1
    }
    return bytes[fieldStart..<fieldEnd]
  }

  /// Scans a quoted field starting at its opening quote, returning its unescaped content, or nil
  /// when no closing quote follows. Text after the closing quote of a field that spans lines
  /// sets `unbalancedClosingLine`.
  private mutating func scanQuotedField() -> ArraySlice<UInt8>? {
    let openingLine = line
    position += 1
    var content: [UInt8] = []
    var segmentStart = position
    while true {
      guard let closing = index(of: Self.quote, from: segmentStart) else { return nil }
      line += countLineFeeds(segmentStart..<closing)
      if closing + 1 < bytes.count, bytes[closing + 1] == Self.quote {
        content.append(contentsOf: bytes[segmentStart...closing])
        segmentStart = closing + 2
        continue
      }
      if content.isEmpty {
        position = closing + 1
        let trailing = scanUnquotedField()
        if trailing.isEmpty { return bytes[segmentStart..<closing] }
        noteTrailingText(openingLine: openingLine)
        content.append(contentsOf: bytes[segmentStart..<closing])
        content.append(contentsOf: trailing)
        return content[...]
      }
      content.append(contentsOf: bytes[segmentStart..<closing])
      position = closing + 1
      let trailing = scanUnquotedField()
      if !trailing.isEmpty {
        noteTrailingText(openingLine: openingLine)
      }
      content.append(contentsOf: trailing)
      return content[...]
    }
  }

  /// Records text after the closing quote of a field that opened on `openingLine`. On one line it
  /// is read leniently, but across lines it means the quotes are unbalanced.
  private mutating func noteTrailingText(openingLine: Int) {
    if line > openingLine, unbalancedClosingLine == nil {
      unbalancedClosingLine = line
    }
  }

  /// Returns the index of the first `byte` in `start..<end` (default: to the end of the file).
  private func index(of byte: UInt8, from start: Int, to end: Int? = nil) -> Int? {
    let end = end ?? bytes.count
    guard start < end else { return nil }
    return bytes.withUnsafeBufferPointer { buffer in
      let base = buffer.baseAddress!
      guard let found = memchr(base + start, Int32(byte), end - start) else { return nil }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }

  private func countLineFeeds(_ range: Range<Int>) -> Int {
    var count = 0
    var next = range.lowerBound
    while let found = index(of: Self.lineFeed, from: next, to: range.upperBound) {
      count += 1
      next = found + 1
    }
    return count
  }
}
