import Foundation

/// Column names that mark a first line as a header rather than a row.
private let headerWords: Set<String> = [
  "label", "labels", "class", "category", "sentiment", "target", "sentence", "text", "review",
  "title", "description", "question", "document", "content",
]
private let labelHeaderWords: Set<String> = [
  "label", "labels", "class", "category", "sentiment", "target",
]

/// Splits CSV records into label (first column) and text (the other columns joined by a space).
///
/// Every record must have as many columns as the first one, which needs at least two. A first
/// record made only of column names, starting with a label name, is a header.
func parseCSVRows(_ file: DataFile) -> ParsedRows {
  var parsed = ParsedRows()
  var scanner = CSVScanner(file: file)
  var expectedColumns: Int?
  while let result = scanner.next() {
    let record: CSVRecord
    switch result {
    case .record(let scanned):
      record = scanned
    case .unterminatedQuote(let line):
      let error = DataError.unterminatedQuote(file: file.path, line: line)
      parsed.rows.append(ParsedRow(line: line, outcome: .failure(error), usedLatin1: false))
      continue
    case .unbalancedQuote(let line, let closingLine):
      let error = DataError.malformedRow(
        file: file.path, line: line,
        expected: "a ',' or a line end after the closing quote on line \(closingLine), found "
          + "more text; a '\"' in this row is missing or extra")
      parsed.rows.append(ParsedRow(line: line, outcome: .failure(error), usedLatin1: false))
      continue
    }
    if expectedColumns == nil, parsed.header == nil, isCSVHeader(record.fields) {
      parsed.header = record.fields.joined(separator: ",")
      continue
    }
    let expected = expectedColumns ?? max(2, record.fields.count)
    expectedColumns = expected
    let outcome: Result<(label: String, text: String), DataError>
    if record.fields.count == expected {
      let label = record.fields[0].trimmingCharacters(in: .whitespaces)
      let text = record.fields[1...].map { $0.trimmingCharacters(in: .whitespaces) }
      outcome = .success((label, text.joined(separator: " ")))
    } else {
      outcome = .failure(
        .wrongColumnCount(
          file: file.path, line: record.line, expected: expected, found: record.fields.count))
    }
    parsed.rows.append(
      ParsedRow(line: record.line, outcome: outcome, usedLatin1: record.usedLatin1))
  }
  return parsed
}

/// Returns whether `fields` are column names, the first naming the label.
private func isCSVHeader(_ fields: [String]) -> Bool {
  let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
  return names.count >= 2 && labelHeaderWords.contains(names[0])
    && names.allSatisfy(headerWords.contains)
}

/// Returns the non-blank lines of `file`.
private func contentLines(_ file: DataFile) -> [LineSlice] {
  file.lines().filter { slice in !file.bytes[slice.range].allSatisfy(isASCIIWhitespace) }
}

/// One line split on tabs, each field decoded and trimmed.
private struct TabbedLine {
  let number: Int
  let text: String
  let fields: [String]
  let usedLatin1: Bool

  init(_ file: DataFile, _ slice: LineSlice) {
    var fields: [String] = []
    var usedLatin1 = false
    var fieldStart = slice.range.lowerBound
    while true {
      let tab = file.firstIndex(of: 0x09, in: fieldStart..<slice.range.upperBound)
      let decoded = decodeText(file.bytes[fieldStart..<(tab ?? slice.range.upperBound)])
      fields.append(decoded.text.trimmingCharacters(in: .whitespaces))
      usedLatin1 = usedLatin1 || decoded.usedLatin1
      guard let tab else { break }
      fieldStart = tab + 1
    }
    self.number = slice.number
    self.text = fields.joined(separator: "\t")
    self.fields = fields
    self.usedLatin1 = usedLatin1
  }
}

/// Splits two-column TSV lines into label and text, trimming whitespace around both, so the
/// space SST-2 leaves before its tab is removed. A first line of column names is a header.
func parseTSVRows(_ file: DataFile, labelColumn: LabelColumn) -> ParsedRows {
  var parsed = ParsedRows()
  var lines = contentLines(file).map { TabbedLine(file, $0) }
  var column = labelColumn
  if let first = lines.first {
    let names = first.fields.map { $0.lowercased() }
    if names.count == 2, names.allSatisfy(headerWords.contains),
      names.contains(where: labelHeaderWords.contains)
    {
      parsed.header = first.text
      lines.removeFirst()
      if column == .automatic {
        column = labelHeaderWords.contains(names[0]) ? .first : .last
      }
    }
  }
  if column == .automatic {
    column = detectLabelColumn(lines.lazy.map(\.fields).filter { $0.count == 2 }.prefix(200))
  }
  for line in lines {
    let fields = line.fields
    let outcome: Result<(label: String, text: String), DataError>
    if fields.count == 2 {
      let isFirst = column == .first
      outcome = .success((isFirst ? fields[0] : fields[1], isFirst ? fields[1] : fields[0]))
    } else {
      outcome = .failure(
        .wrongColumnCount(file: file.path, line: line.number, expected: 2, found: fields.count))
    }
    parsed.rows.append(ParsedRow(line: line.number, outcome: outcome, usedLatin1: line.usedLatin1))
  }
  return parsed
}

/// Picks the label column as `LabelColumn.automatic` describes.
private func detectLabelColumn(_ rows: some Sequence<[String]>) -> LabelColumn {
  var isWordColumn = [true, true]
  var distinct = [Set<String>(), Set<String>()]
  for fields in rows {
    for column in 0..<2 {
      let value = fields[column]
      let isWord =
        !value.isEmpty && value.utf8.count <= 64
        && !value.unicodeScalars.contains(where: \.properties.isWhitespace)
      if !isWord {
        isWordColumn[column] = false
      }
      distinct[column].insert(value)
    }
  }
  switch (isWordColumn[0], isWordColumn[1]) {
  case (false, true): return .last
  case (true, true) where distinct[1].count < distinct[0].count: return .last
  default: return .first
  }
}

/// Splits TREC lines on the first space into `COARSE:fine` and the question.
func parseTRECRows(_ file: DataFile, granularity: LabelGranularity) -> ParsedRows {
  var parsed = ParsedRows()
  let expected = "'COARSE:fine question text', such as 'LOC:city Where is Lyon ?'"
  for slice in contentLines(file) {
    let decoded = decodeText(file.bytes[slice.range])
    let text = decoded.text.trimmingCharacters(in: .whitespaces)
    var outcome: Result<(label: String, text: String), DataError> = .failure(
      .malformedRow(file: file.path, line: slice.number, expected: expected))
    if let space = text.firstIndex(of: " ") {
      let label = text[..<space]
      if let colon = label.firstIndex(of: ":"), colon != label.startIndex,
        label.index(after: colon) != label.endIndex
      {
        let keptLabel = granularity == .coarse ? label[..<colon] : label
        outcome = .success((String(keptLabel), String(text[space...])))
      }
    }
    parsed.rows.append(
      ParsedRow(line: slice.number, outcome: outcome, usedLatin1: decoded.usedLatin1))
  }
  return parsed
}

/// Splits fastText lines into the first `__label__` word's label and the other words, joined by
/// one space. Words are separated by ASCII whitespace, as fastText separates them.
func parseFastTextRows(_ file: DataFile) -> ParsedRows {
  var parsed = ParsedRows()
  let prefix = Array(fastTextLabelPrefix.utf8)
  for slice in contentLines(file) {
    var label: ArraySlice<UInt8>?
    var words: [UInt8] = []
    var index = slice.range.lowerBound
    while index < slice.range.upperBound {
      guard !isASCIIWhitespace(file.bytes[index]) else {
        index += 1
        continue
      }
      let wordStart = index
      while index < slice.range.upperBound, !isASCIIWhitespace(file.bytes[index]) { index += 1 }
      let word = file.bytes[wordStart..<index]
      if word.starts(with: prefix) {
        label = label ?? word.dropFirst(prefix.count)
      } else {
        if !words.isEmpty { words.append(UInt8(ascii: " ")) }
        words.append(contentsOf: word)
      }
    }
    let decodedLabel = label.map { decodeText($0) }
    let decodedText = decodeText(words[...])
    let outcome: Result<(label: String, text: String), DataError>
    if let decodedLabel, !decodedLabel.text.isEmpty {
      outcome = .success((decodedLabel.text, decodedText.text))
    } else {
      outcome = .failure(
        .malformedRow(
          file: file.path, line: slice.number, expected: "a line starting with '__label__X text'"))
    }
    let usedLatin1 = decodedText.usedLatin1 || (decodedLabel?.usedLatin1 ?? false)
    parsed.rows.append(ParsedRow(line: slice.number, outcome: outcome, usedLatin1: usedLatin1))
  }
  return parsed
}
