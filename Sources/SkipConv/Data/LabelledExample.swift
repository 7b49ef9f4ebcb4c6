import Foundation

/// One labelled text read from a data file.
public struct LabelledExample: Equatable, Hashable, Sendable {
  /// The class name after any `classes.txt` mapping and label granularity, for example `World`,
  /// `1` or `LOC`.
  public var label: String
  /// The text after cleaning: trimmed, never empty.
  public var text: String
  /// The path of the file the row came from.
  public var sourceFile: String
  /// The 1-based line on which the row starts.
  public var line: Int

  public init(label: String, text: String, sourceFile: String, line: Int) {
    self.label = label
    self.text = text
    self.sourceFile = sourceFile
    self.line = line
  }
}

/// The part of a TREC `COARSE:fine` label that becomes the example's label.
public enum LabelGranularity: String, Codable, CaseIterable, Sendable {
  /// The part before the first `:`, the 6 classes of TREC-6.
  case coarse
  /// The whole `COARSE:fine` label, the 50 classes of TREC-50.
  case fine
}

/// The TSV column that contains the label.
public enum LabelColumn: String, Codable, CaseIterable, Sendable {
  /// The column the header line names as the label. Without a header, the column whose values
  /// in the first 200 rows are all single words. When both columns qualify, the one with fewer
  /// distinct values wins, and on a tie (or when neither qualifies) the first column.
  case automatic
  case first
  case last
}

/// Settings for `DatasetReader.read`.
public struct ReadOptions: Sendable {
  /// The format; nil chooses it as `DatasetFormat.resolve` describes.
  public var format: DatasetFormat?
  /// A registered dataset name, used to choose the format when `format` is nil.
  public var datasetName: String?
  /// The TREC label part kept; other formats ignore it.
  public var labelGranularity: LabelGranularity
  /// The TSV label column; other formats ignore it.
  public var labelColumn: LabelColumn
  /// The permitted labels (after mapping); nil permits any label.
  public var knownLabels: Set<String>?
  /// The text cleaning; nil means `.agNews` for CSV and `.none` for the other formats.
  public var cleaning: TextCleaning?
  /// Whether invalid rows are skipped and counted instead of raising the first error.
  public var skipInvalid: Bool

  public init(
    format: DatasetFormat? = nil, datasetName: String? = nil,
    labelGranularity: LabelGranularity = .coarse, labelColumn: LabelColumn = .automatic,
    knownLabels: Set<String>? = nil, cleaning: TextCleaning? = nil, skipInvalid: Bool = false
  ) {
    self.format = format
    self.datasetName = datasetName
    self.labelGranularity = labelGranularity
    self.labelColumn = labelColumn
    self.knownLabels = knownLabels
    self.cleaning = cleaning
    self.skipInvalid = skipInvalid
  }
}

/// Counts from reading one file. Blank lines and the header line are not rows.
public struct ReadReport: Equatable, Sendable {
  public var file: String
  public var format: DatasetFormat
  /// The header line, when the file has one.
  public var header: String?
  public var rowsRead = 0
  public var rowsUsed = 0
  /// Rows skipped under `skipInvalid`, by reason.
  public var rowsSkipped: [SkipReason: Int] = [:]
  /// Rows that contained bytes other than UTF-8, decoded as ISO-8859-1.
  public var rowsWithLatin1 = 0
  /// The line of the first such row.
  public var firstLatin1Line: Int?

  public init(file: String, format: DatasetFormat) {
    self.file = file
    self.format = format
  }

  public var rowsSkippedTotal: Int { rowsSkipped.values.reduce(0, +) }

  /// Moves `count` used rows to the rows skipped for `reason`, for rows dropped after reading,
  /// such as test rows whose label the training file lacks.
  public mutating func skipUsedRows(_ count: Int, reason: SkipReason) {
    guard count > 0 else { return }
    rowsUsed -= count
    rowsSkipped[reason, default: 0] += count
  }

  /// A one-line summary, for example `train.csv (csv): 10 rows read, 9 used, 1 skipped
  /// (emptyText 1)`, followed by the count of rows read as ISO-8859-1 when there are any.
  public var summary: String {
    var text =
      "\(file) (\(format.rawValue)): \(rowsRead) rows read, \(rowsUsed) used, "
      + "\(rowsSkippedTotal) skipped"
    let reasons = SkipReason.allCases.compactMap { reason in
      rowsSkipped[reason].map { "\($0) \($0 == 1 ? "row" : "rows") \(reason.phrase)" }
    }
    if !reasons.isEmpty {
      text += " (\(reasons.joined(separator: ", ")))"
    }
    if let line = firstLatin1Line {
      let rows = rowsWithLatin1 == 1 ? "1 row not valid UTF-8 was" : "\(rowsWithLatin1) rows not "
        + "valid UTF-8 were"
      text += "; \(rows) read as ISO-8859-1 (first on line \(line)); convert the file to UTF-8 "
        + "if that reading is wrong"
    }
    return text
  }
}

/// The examples of one file, in file order, and the counts from reading it.
public struct ReadResult: Sendable {
  public var examples: [LabelledExample]
  public var report: ReadReport
}
