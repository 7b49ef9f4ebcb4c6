import Foundation

/// A labelled-text file format.
public enum DatasetFormat: String, Codable, CaseIterable, Sendable {
  /// RFC 4180 CSV with the label first and the text in the remaining columns, as AG News stores
  /// `"class","title","description"`. The text columns are joined with one space.
  case csv
  /// Two tab-separated columns, label and text in either order, with an optional header line.
  case tsv
  /// TREC question classification: `COARSE:fine question text`, label and text split on the first
  /// space.
  case trec
  /// fastText: `__label__X text`. Of several labels, the first is used.
  case fastText = "fasttext"

  /// Parses a `--format` value (case-insensitive), raising `DataError.unknownFormat` otherwise.
  public static func parse(_ value: String) throws -> DatasetFormat {
    guard let format = DatasetFormat(rawValue: value.lowercased()) else {
      throw DataError.unknownFormat(value: value, supported: allCases.map(\.rawValue))
    }
    return format
  }

  /// Chooses the format of `file`: the explicit format if given, else the format of the
  /// registered dataset `datasetName`, else the extension (`.csv`, `.tsv`, `.label`, and `.txt` or
  /// `.ft` when the first line starts with `__label__`), else the first line's shape.
  ///
  /// A `datasetName` that is not registered is passed over, so that a user file can carry any
  /// name. `firstLine` is the first non-blank line of the file.
  public static func resolve(
    explicit: DatasetFormat?, datasetName: String?, file: URL, firstLine: String
  ) throws -> DatasetFormat {
    if let explicit {
      return explicit
    }
    if let datasetName, let descriptor = DatasetRegistry.descriptor(ifNamed: datasetName) {
      return descriptor.format
    }
    if let format = fromExtension(file.pathExtension.lowercased(), firstLine: firstLine) {
      return format
    }
    if let format = sniff(firstLine) {
      return format
    }
    throw DataError.undetectableFormat(path: file.path, firstLine: firstLine)
  }

  private static func fromExtension(_ pathExtension: String, firstLine: String) -> DatasetFormat? {
    switch pathExtension {
    case "csv": return .csv
    case "tsv": return .tsv
    case "label": return .trec
    case "txt", "ft": return firstLine.hasPrefix(fastTextLabelPrefix) ? .fastText : nil
    default: return nil
    }
  }

  /// Recognises a format from one line: a `__label__` prefix is fastText, an upper-case
  /// `COARSE:fine` word followed by a space is TREC, a tab is TSV, and a leading quote or a comma
  /// is CSV, tested in that order.
  static func sniff(_ line: String) -> DatasetFormat? {
    if line.hasPrefix(fastTextLabelPrefix) {
      return .fastText
    }
    if let space = line.firstIndex(of: " "), isTRECLabel(line[..<space]) {
      return .trec
    }
    if line.contains("\t") {
      return .tsv
    }
    if line.hasPrefix("\"") || line.contains(",") {
      return .csv
    }
    return nil
  }

  /// Returns whether `word` looks like `ABBR:abb`: upper-case letters, a colon, then a non-empty rest.
  private static func isTRECLabel(_ word: Substring) -> Bool {
    guard let colon = word.firstIndex(of: ":") else { return false }
    let coarse = word[..<colon]
    let fine = word[word.index(after: colon)...]
    return !coarse.isEmpty && !fine.isEmpty
      && coarse.allSatisfy { $0.isASCII && $0.isUppercase }
  }
}

let fastTextLabelPrefix = "__label__"
