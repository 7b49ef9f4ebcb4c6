import Foundation

/// Reads labelled examples from CSV, TSV, TREC and fastText files.
///
/// Bytes that are not valid UTF-8 are decoded as ISO-8859-1, one byte to one character, so every
/// row is read. A leading byte order mark is skipped, CRLF and LF both end lines, and blank
/// lines are ignored. A valid file yields one example per row, in file order.
public enum DatasetReader {
  /// Reads every example of the file at `url`.
  ///
  /// For CSV, a `classes.txt` beside the file maps the 1-based class index in the label column to
  /// the class name on that line (AG News: `1` is `World`), and a label outside that range is
  /// invalid. Without `classes.txt`, the label is kept as written.
  ///
  /// Raises `DataError` for a missing path, a folder, an empty or header-only file, an
  /// undetectable format, and (unless `options.skipInvalid` is set) the first invalid row: wrong
  /// column count, unterminated quote, malformed label, label outside the known classes or
  /// empty text. With `skipInvalid`, such rows are counted in the report by reason, and a file
  /// whose rows are all invalid raises `DataError.noValidRows`.
  public static func read(_ url: URL, options: ReadOptions = ReadOptions()) throws -> ReadResult {
    let file = try DataFile.load(url)
    if file.isBlank {
      throw DataError.emptyFile(path: file.path)
    }
    let format = try DatasetFormat.resolve(
      explicit: options.format, datasetName: options.datasetName, file: url,
      firstLine: firstLine(of: file))
    let labelMap = format == .csv ? try ClassNames.load(besides: url) : nil
    return try read(file, format: format, classNames: labelMap, options: options)
  }

  /// Reads the examples of `file`, already loaded, in `format`; the part of `read(_:options:)`
  /// that needs no file system, for the fuzz tests.
  static func read(
    _ file: DataFile, format: DatasetFormat, classNames labelMap: ClassNames?,
    options: ReadOptions
  ) throws -> ReadResult {
    if file.isBlank {
      throw DataError.emptyFile(path: file.path)
    }
    let parsed: ParsedRows
    switch format {
    case .csv: parsed = parseCSVRows(file)
    case .tsv: parsed = parseTSVRows(file, labelColumn: options.labelColumn)
    case .trec: parsed = parseTRECRows(file, granularity: options.labelGranularity)
    case .fastText: parsed = parseFastTextRows(file)
    }
    var collector = RowCollector(
      report: ReadReport(file: file.path, format: format), options: options,
      cleaning: options.cleaning ?? (format == .csv ? .agNews : .none), classNames: labelMap)
    collector.report.header = parsed.header
    for row in parsed.rows {
      try collector.add(row)
    }
    return try collector.finish()
  }

  /// Returns the first non-blank line, decoded and trimmed, for format detection.
  private static func firstLine(of file: DataFile) -> String {
    var lineStart = file.start
    while lineStart < file.bytes.count {
      let lineEnd = file.firstIndex(of: 0x0A, in: lineStart..<file.bytes.count) ?? file.bytes.count
      let line = file.bytes[lineStart..<lineEnd]
      if !line.allSatisfy(isASCIIWhitespace) {
        return decodeText(line.prefix(4096)).text.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      lineStart = lineEnd + 1
    }
    return ""
  }
}

/// One row split into its raw label and text, or the error that made it invalid.
struct ParsedRow {
  let line: Int
  let outcome: Result<(label: String, text: String), DataError>
  let usedLatin1: Bool
}

/// The rows of a file and its header line, if any.
struct ParsedRows {
  var rows: [ParsedRow] = []
  var header: String?
}

/// Class names from a `classes.txt` beside a CSV file: line `i` names the 1-based class `i`.
struct ClassNames {
  let names: [String]

  /// Loads `classes.txt` from the folder of `dataFile`, or returns nil when there is none.
  static func load(besides dataFile: URL) throws -> ClassNames? {
    let url = dataFile.deletingLastPathComponent().appendingPathComponent("classes.txt")
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let file = try DataFile.load(url)
    let names = file.lines().map {
      decodeText(file.bytes[$0.range]).text.trimmingCharacters(in: .whitespaces)
    }.filter { !$0.isEmpty }
    guard !names.isEmpty else { throw DataError.emptyFile(path: file.path) }
    return ClassNames(names: names)
  }

  /// Returns the name of class `label` (`"1"` is the first line), or nil when `label` is not an
  /// index.
  func name(for label: String) -> String? {
    guard let index = Int(label), names.indices.contains(index - 1) else { return nil }
    return names[index - 1]
  }

  /// The accepted labels with their names, for error messages: `1 (World)`, `2 (Sports)`.
  var described: [String] {
    names.enumerated().map { "\($0.offset + 1) (\($0.element))" }
  }
}

/// Turns parsed rows into examples: maps and checks labels, cleans text, counts skips.
private struct RowCollector {
  var report: ReadReport
  let options: ReadOptions
  let cleaning: TextCleaning
  let classNames: ClassNames?
  var examples: [LabelledExample] = []

  mutating func add(_ row: ParsedRow) throws {
    report.rowsRead += 1
    if row.usedLatin1 {
      report.rowsWithLatin1 += 1
      report.firstLatin1Line = report.firstLatin1Line ?? row.line
    }
    do {
      let (rawLabel, rawText) = try row.outcome.get()
      let label = try mapLabel(rawLabel, line: row.line)
      let text = cleaning.apply(rawText)
      guard !text.isEmpty else {
        throw DataError.emptyText(file: report.file, line: row.line)
      }
      examples.append(
        LabelledExample(label: label, text: text, sourceFile: report.file, line: row.line))
      report.rowsUsed += 1
    } catch let error as DataError {
      guard options.skipInvalid, let reason = SkipReason(error) else { throw error }
      report.rowsSkipped[reason, default: 0] += 1
    }
  }

  private func mapLabel(_ rawLabel: String, line: Int) throws -> String {
    var label = rawLabel
    if let classNames {
      guard let name = classNames.name(for: rawLabel) else {
        throw DataError.unknownLabel(
          file: report.file, line: line, label: rawLabel, known: classNames.described)
      }
      label = name
    }
    if let known = options.knownLabels, !known.contains(label) {
      throw DataError.unknownLabel(
        file: report.file, line: line, label: label, known: LabelSet(labels: known).labels)
    }
    return label
  }

  func finish() throws -> ReadResult {
    if report.rowsRead == 0 {
      if let header = report.header {
        throw DataError.headerOnly(path: report.file, header: header)
      }
      throw DataError.emptyFile(path: report.file)
    }
    if examples.isEmpty {
      throw DataError.noValidRows(path: report.file, skipped: report.rowsSkippedTotal)
    }
    return ReadResult(examples: examples, report: report)
  }
}
