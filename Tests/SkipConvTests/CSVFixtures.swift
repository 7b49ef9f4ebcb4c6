import Foundation

@testable import SkipConv

/// Random CSV rows and their RFC 4180 encoding, for the reliability and fuzz tests of the CSV
/// reader.
enum CSVFixtures {
  /// Words that need no quoting, so that a field can start and end with one.
  static let plainWords = ["alpha", "beta", "gamma", "delta", "naïve", "日本語", "émoji🙂", "x"]
  /// Words that force quoting: a comma, a quote, a line break or a CRLF inside the field.
  static let specialWords = ["a,b", "say \"hi\"", "two\nlines", "crlf\r\nline", "\"", ",,"]

  /// Returns a random field: plain words around the middle, with special words in between half
  /// of the time. It never starts or ends with whitespace, so reading it back trims nothing.
  static func randomField(_ generator: inout SeededGenerator) -> String {
    var words = [pick(plainWords, &generator)]
    for _ in 0..<Int(generator.next() % 4) {
      let special = generator.next() % 2 == 0
      words.append(pick(special ? specialWords : plainWords, &generator))
    }
    words.append(pick(plainWords, &generator))
    return words.joined(separator: " ")
  }

  /// Returns `count` rows of a label from `labels` and `columns - 1` random text fields.
  static func randomRows(
    _ generator: inout SeededGenerator, count: Int, columns: Int, labels: [String]
  ) -> [[String]] {
    (0..<count).map { _ in
      [pick(labels, &generator)] + (1..<columns).map { _ in randomField(&generator) }
    }
  }

  /// Encodes `rows` as CSV: fields that contain a comma, a quote, CR or LF are quoted with
  /// doubled inner quotes, and the others are quoted when `quoteAll` is set.
  static func encode(
    _ rows: [[String]], lineEnding: String = "\n", byteOrderMark: Bool = false,
    quoteAll: Bool = false
  ) -> [UInt8] {
    var text = ""
    for row in rows {
      let fields = row.map { field -> String in
        let needsQuotes = field.unicodeScalars.contains { [",", "\"", "\r", "\n"].contains($0) }
        guard needsQuotes || quoteAll else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      text += fields.joined(separator: ",") + lineEnding
    }
    return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
  }

  /// The 1-based line on which each row of `rows` starts once encoded.
  static func startLines(_ rows: [[String]]) -> [Int] {
    var line = 1
    var starts: [Int] = []
    for row in rows {
      starts.append(line)
      line += 1 + row.reduce(0) { $0 + $1.unicodeScalars.filter { $0 == "\n" }.count }
    }
    return starts
  }

  private static func pick(_ values: [String], _ generator: inout SeededGenerator) -> String {
    values[Int(generator.next() % UInt64(values.count))]
  }
}
