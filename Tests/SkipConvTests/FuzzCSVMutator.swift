import Foundation

@testable import SkipConv

/// Seeded mutations of CSV files for the fuzz test: edits that break quoting, field counts, line
/// ends, encodings and headers, applied one to three at a time to valid seed files.
struct CSVMutator {
  private(set) var generator: SeededGenerator
  let seeds: [[UInt8]]

  init(seed: UInt64, seeds: [[UInt8]]) {
    generator = SeededGenerator(seed: seed)
    self.seeds = seeds
  }

  /// Byte sequences that the scanner treats specially, and bytes that are not UTF-8.
  private static let interesting: [[UInt8]] = [
    [0x22], [0x22, 0x22], [0x2C], [0x22, 0x2C, 0x22], [0x0A], [0x0D], [0x0D, 0x0A],
    [0x22, 0x0A], [0x0A, 0x22], [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0xE9], [0xED, 0xA0, 0x80],
    [0xF0, 0x9F], [0x00], [0x20], [0x09], Array("class,title,description\n".utf8),
    Array("label,text\n".utf8), Array("\\n".utf8), Array(" #39;".utf8), Array("&amp;".utf8),
  ]

  /// Returns a random seed file with one to three mutations applied.
  mutating func next() -> [UInt8] {
    var input = seeds[random(seeds.count)]
    for _ in 0..<(1 + random(3)) {
      input = mutate(input)
    }
    return input
  }

  mutating func random(_ count: Int) -> Int {
    count <= 1 ? 0 : Int(generator.next() % UInt64(count))
  }

  /// Returns `input` with one edit applied.
  mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    let position = random(bytes.count + 1)
    switch random(10) {
    case 0, 1:
      bytes.insert(contentsOf: Self.interesting[random(Self.interesting.count)], at: position)
    case 2:
      if position < bytes.count {
        bytes[position] = Self.interesting[random(Self.interesting.count)][0]
      }
    case 3:
      let end = min(bytes.count, position + 1 + random(8))
      bytes.removeSubrange(position..<end)
    case 4:
      bytes.removeSubrange(position...)
    case 5:
      bytes = removeOrDuplicateLine(bytes)
    case 6:
      bytes = editQuotes(bytes)
    case 7:
      let other = seeds[random(seeds.count)]
      let cut = random(other.count + 1)
      bytes = Array(bytes[..<position]) + Array(other[cut...])
    case 8:
      let run: UInt8 = [0x61, 0x22, 0x2C, 0x0A, 0x20][random(5)]
      let length = [2, 17, 100, 300][random(4)]
      bytes.insert(contentsOf: [UInt8](repeating: run, count: length), at: position)
    default:
      if position < bytes.count {
        bytes[position] ^= UInt8(1 << random(8))
      }
    }
    return bytes
  }

  /// Removes or repeats one line, so that rows change place relative to quotes.
  private mutating func removeOrDuplicateLine(_ bytes: [UInt8]) -> [UInt8] {
    let starts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
    let start = starts[random(starts.count)]
    guard start < bytes.count else { return bytes }
    let end = bytes[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
    var result = bytes
    if random(2) == 0 {
      result.removeSubrange(start..<end)
    } else {
      result.insert(contentsOf: bytes[start..<end], at: end)
    }
    return result
  }

  /// Deletes, doubles or moves one quote, the edits that unbalance a quoted field.
  private mutating func editQuotes(_ bytes: [UInt8]) -> [UInt8] {
    let quotes = bytes.indices.filter { bytes[$0] == 0x22 }
    guard !quotes.isEmpty else { return bytes }
    let index = quotes[random(quotes.count)]
    var result = bytes
    switch random(3) {
    case 0:
      result.remove(at: index)
    case 1:
      result.insert(0x22, at: index)
    default:
      result.remove(at: index)
      result.insert(0x22, at: random(result.count + 1))
    }
    return result
  }
}

/// One result of scanning, comparable between the scanner and the reference below.
enum ScannedRecord: Equatable {
  case record(line: Int, fields: [String])
  case unterminatedQuote(line: Int)
  case unbalancedQuote(line: Int, closingLine: Int)

  init(_ result: CSVScanResult) {
    switch result {
    case .record(let record): self = .record(line: record.line, fields: record.fields)
    case .unterminatedQuote(let line): self = .unterminatedQuote(line: line)
    case .unbalancedQuote(let line, let closingLine):
      self = .unbalancedQuote(line: line, closingLine: closingLine)
    }
  }
}

/// Scans `file` byte by byte by the rules that `CSVScanner` documents, written apart from it as
/// an oracle. LF ends a record and a CR just before LF is dropped. A quoted field takes doubled
/// quotes as one quote, and text after its closing quote joins the field. A line with one empty
/// unquoted field is skipped, and a quote still open at the end of the file stops scanning.
func referenceCSVRecords(_ file: DataFile) -> [ScannedRecord] {
  let bytes = file.bytes
  var position = file.start
  var line = 1
  var results: [ScannedRecord] = []

  // Reads bytes up to a comma or LF, dropping a CR just before that LF.
  func unquotedText() -> [UInt8] {
    var text: [UInt8] = []
    while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x0A {
      text.append(bytes[position])
      position += 1
    }
    if position < bytes.count, bytes[position] == 0x0A, text.last == 0x0D {
      text.removeLast()
    }
    return text
  }

  while position < bytes.count {
    let recordLine = line
    var fields: [String] = []
    var quoted = false
    var closingLine: Int?
    while true {
      var field: [UInt8] = []
      if position < bytes.count, bytes[position] == 0x22 {
        quoted = true
        let openingLine = line
        position += 1
        while true {
          guard position < bytes.count else {
            results.append(.unterminatedQuote(line: recordLine))
            return results
          }
          let byte = bytes[position]
          position += 1
          if byte == 0x22 {
            guard position < bytes.count, bytes[position] == 0x22 else { break }
            position += 1
          } else if byte == 0x0A {
            line += 1
          }
          field.append(byte)
        }
        let trailing = unquotedText()
        if !trailing.isEmpty, line > openingLine, closingLine == nil {
          closingLine = line
        }
        field += trailing
      } else {
        field = unquotedText()
      }
      fields.append(decodeText(field[...]).text)
      guard position < bytes.count, bytes[position] == 0x2C else { break }
      position += 1
      if position == bytes.count {
        fields.append("")
        break
      }
    }
    if position < bytes.count, bytes[position] == 0x0A {
      position += 1
      line += 1
    }
    if let closingLine {
      results.append(.unbalancedQuote(line: recordLine, closingLine: closingLine))
    } else if fields != [""] || quoted {
      results.append(.record(line: recordLine, fields: fields))
    }
  }
  return results
}
