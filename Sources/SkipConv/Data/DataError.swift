import Foundation

/// An error raised while locating, downloading, reading or encoding a dataset.
///
/// Row-level cases carry the file path and the 1-based line on which the row starts, so that a
/// message such as `train.csv:12: expected 3 columns, found 2` points at the row to fix.
public enum DataError: Error, Equatable, CustomStringConvertible {
  /// No file or folder exists at the path.
  case fileNotFound(path: String)
  /// The path names a folder where a data file was expected.
  case notAFile(path: String)
  /// The file exists but could not be read.
  case unreadable(path: String, reason: String)
  /// The file contains no rows: it is empty or contains only whitespace and a byte order mark.
  case emptyFile(path: String)
  /// The file contains a header line and no rows after it.
  case headerOnly(path: String, header: String)
  /// A row has a different number of columns than the format needs.
  case wrongColumnCount(file: String, line: Int, expected: Int, found: Int)
  /// A quoted CSV field opened on `line` is never closed before the end of the file.
  case unterminatedQuote(file: String, line: Int)
  /// A row's label is not one of the known classes.
  case unknownLabel(file: String, line: Int, label: String, known: [String])
  /// A row's text is empty after trimming and cleaning.
  case emptyText(file: String, line: Int)
  /// A row does not have the shape its format needs; `expected` describes that shape.
  case malformedRow(file: String, line: Int, expected: String)
  /// Every row of the file was invalid and skipped.
  case noValidRows(path: String, skipped: Int)
  /// A `--format` value names no supported format.
  case unknownFormat(value: String, supported: [String])
  /// Neither the dataset name, the extension nor the first line identifies the format.
  case undetectableFormat(path: String, firstLine: String)
  /// No registered dataset has this name.
  case unknownDataset(name: String, known: [String])
  /// A registered dataset has no file for the requested split.
  case missingSplit(dataset: String, split: String)
  /// A downloaded file's SHA-256 differs from the published value; the download was deleted.
  case checksumMismatch(url: String, expected: String, actual: String)
  /// A download failed: a transport error or an HTTP status other than 200.
  case downloadFailed(url: String, reason: String)
  /// An option value is out of range; `message` names the value and the permitted range.
  case invalidOption(String)
  /// Stored vocabulary, label set or tokenizer JSON could not be decoded.
  case invalidMetadata(String)
  /// The training examples of `path` have fewer than two classes, so there is nothing to learn.
  case tooFewClasses(path: String, labels: [String])

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): file not found; check the path"
    case .notAFile(let path):
      return "\(path): is a folder, expected a data file; name a file inside it"
    case .unreadable(let path, let reason):
      return "\(path): cannot be read: \(reason)"
    case .emptyFile(let path):
      return "\(path): file is empty, expected at least one row"
    case .headerOnly(let path, let header):
      return "\(path): contains only the header line '\(header)', expected rows after it"
    case .wrongColumnCount, .unterminatedQuote, .unknownLabel, .emptyText, .malformedRow,
      .noValidRows:
      return rowDescription
    case .unknownFormat, .undetectableFormat, .unknownDataset, .missingSplit, .checksumMismatch,
      .downloadFailed, .invalidOption, .invalidMetadata, .tooFewClasses:
      return otherDescription
    }
  }

  /// The message of a row-level case; `description` calls it only for those cases.
  private var rowDescription: String {
    let skipHint =
      "; fix the row, or skip such rows with --skip-invalid"
    switch self {
    case .wrongColumnCount(let file, let line, let expected, let found):
      return "\(file):\(line): expected \(expected) columns, found \(found)\(skipHint)"
    case .unterminatedQuote(let file, let line):
      return "\(file):\(line): unterminated quoted field, expected a closing '\"' before the "
        + "end of the file\(skipHint)"
    case .unknownLabel(let file, let line, let label, let known):
      return "\(file):\(line): label '\(label)' is not a known class, expected one of "
        + "\(known.joined(separator: ", "))\(skipHint)"
    case .emptyText(let file, let line):
      return "\(file):\(line): empty text, expected a label and a non-empty text\(skipHint)"
    case .malformedRow(let file, let line, let expected):
      return "\(file):\(line): expected \(expected)\(skipHint)"
    case .noValidRows(let path, let skipped):
      return "\(path): all \(skipped) rows are invalid and were skipped; check the file format"
    default:
      return ""
    }
  }

  /// The message of a format, registry, download or option case.
  private var otherDescription: String {
    switch self {
    case .unknownFormat(let value, let supported):
      return "invalid format '\(value)': expected one of \(supported.joined(separator: ", "))"
    case .undetectableFormat(let path, let firstLine):
      return "\(path): cannot detect the file format from its name or its first line "
        + "'\(firstLine.prefix(80))'; pass --format with one of "
        + DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")
    case .unknownDataset(let name, let known):
      return "unknown dataset '\(name)': expected one of \(known.joined(separator: ", "))"
    case .missingSplit(let dataset, let split):
      let available = DatasetSplit.allCases.filter {
        DatasetRegistry.descriptor(ifNamed: dataset)?.splitFiles[$0] != nil
      }
      return "dataset '\(dataset)' has no \(split) split; choose another with --split: "
        + available.map { "--split \($0.rawValue)" }.joined(separator: " or ")
    case .checksumMismatch(let url, let expected, let actual):
      return "\(url): SHA-256 mismatch, expected \(expected), got \(actual); the download "
        + "was deleted. Retry, or check that the mirror serves the published file"
    case .downloadFailed(let url, let reason):
      return "\(url): download failed: \(reason)"
    case .invalidOption(let message), .invalidMetadata(let message):
      return message
    case .tooFewClasses(let path, let labels):
      let found = labels.isEmpty ? "no class" : "only the class '\(labels[0])'"
      return "\(path): the training examples have \(found); at least two classes are needed, "
        + "so add rows of another class"
    default:
      return ""
    }
  }
}

/// The reason a row was skipped when reading with `skipInvalid`.
public enum SkipReason: String, CaseIterable, Codable, Sendable {
  case wrongColumnCount
  case unterminatedQuote
  case unknownLabel
  case emptyText
  case malformedRow

  /// The reason in words, such as "with an unknown label", to follow a row count.
  public var phrase: String {
    switch self {
    case .wrongColumnCount: return "with a wrong number of columns"
    case .unterminatedQuote: return "with an unterminated quote"
    case .unknownLabel: return "with an unknown label"
    case .emptyText: return "with an empty text"
    case .malformedRow: return "not in the file's format"
    }
  }

  /// The reason for a row-level error, or nil when the error concerns the whole file.
  init?(_ error: DataError) {
    switch error {
    case .wrongColumnCount: self = .wrongColumnCount
    case .unterminatedQuote: self = .unterminatedQuote
    case .unknownLabel: self = .unknownLabel
    case .emptyText: self = .emptyText
    case .malformedRow: self = .malformedRow
    default: return nil
    }
  }
}
