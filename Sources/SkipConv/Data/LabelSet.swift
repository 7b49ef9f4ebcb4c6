import Foundation

/// The classes of a task in a fixed order; a label's index is its class id.
///
/// Labels are sorted so that the same labels always get the same ids: numerically when every
/// label is an integer (`"2"` before `"10"`), otherwise in ascending order of their UTF-8 bytes.
/// Its JSON form is `{"labels": [...]}`.
public struct LabelSet: Codable, Equatable, Sendable {
  public let labels: [String]
  private let ids: [String: Int32]

  /// Creates the label set of the distinct values in `labels`, sorted as described above.
  public init(labels: some Sequence<String>) {
    let distinct = Array(Set(labels))
    let numbers = distinct.compactMap { Int($0) }
    let sorted: [String]
    if numbers.count == distinct.count {
      sorted = distinct.sorted { left, right in
        let (leftValue, rightValue) = (Int(left)!, Int(right)!)
        return leftValue != rightValue
          ? leftValue < rightValue : left.utf8.lexicographicallyPrecedes(right.utf8)
      }
    } else {
      sorted = distinct.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
    self.labels = sorted
    ids = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Int32($0)) })
  }

  /// Creates the label set of the labels of `examples`.
  public init(examples: [LabelledExample]) {
    self.init(labels: examples.map(\.label))
  }

  public var count: Int { labels.count }

  /// Returns the class id of `label`, or nil when it is not in the set.
  public func classID(of label: String) -> Int32? {
    ids[label]
  }

  /// Returns the class ids of `examples`, raising `DataError.unknownLabel` with the file and line of the
  /// first example whose label is not in the set (a test label never seen in training).
  public func classIDs(of examples: [LabelledExample]) throws -> [Int32] {
    try examples.map { example in
      guard let id = ids[example.label] else {
        throw DataError.unknownLabel(
          file: example.sourceFile, line: example.line, label: example.label, known: labels)
      }
      return id
    }
  }

  private enum CodingKeys: String, CodingKey {
    case labels
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let stored = try container.decode([String].self, forKey: .labels)
    self.init(labels: stored)
    guard labels == stored else {
      throw DataError.invalidMetadata(
        "label set \(stored) is not distinct labels in sorted order; expected \(labels)")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(labels, forKey: .labels)
  }

  public static func == (left: LabelSet, right: LabelSet) -> Bool {
    left.labels == right.labels
  }
}
