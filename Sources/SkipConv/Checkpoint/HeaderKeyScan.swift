import Foundation

/// The raw key literals of a JSON object and of the objects that are its direct values.
///
/// JSONSerialization silently keeps the last of two equal keys, so the reader compares the
/// number of keys found here with the number it got back to detect duplicates. The walk only
/// tracks strings and brackets, so it never fails. It is meaningful for text that
/// JSONSerialization accepted as an object.
struct HeaderKeyScan {
  /// Byte ranges of the top-level keys, quotes included, in file order.
  private(set) var topLevelKeys: [Range<Int>] = []
  /// For each top-level key, the byte ranges of the keys of its value when that is an object.
  private(set) var nestedKeys: [[Range<Int>]] = []

  init(_ text: [UInt8]) {
    var containers: [UInt8] = []
    var expectingKey = false
    var index = 0
    while index < text.count {
      switch text[index] {
      case UInt8(ascii: "\""):
        let end = Self.endOfString(in: text, from: index)
        if expectingKey {
          record(index..<end, depth: containers.count, container: containers.last)
          expectingKey = false
        }
        index = end
        continue
      case UInt8(ascii: "{"):
        containers.append(UInt8(ascii: "{"))
        expectingKey = true
      case UInt8(ascii: "["):
        containers.append(UInt8(ascii: "["))
        expectingKey = false
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        _ = containers.popLast()
        expectingKey = false
      case UInt8(ascii: ","):
        expectingKey = containers.last == UInt8(ascii: "{")
      default:
        break
      }
      index += 1
    }
  }

  private mutating func record(_ range: Range<Int>, depth: Int, container: UInt8?) {
    guard container == UInt8(ascii: "{") else { return }
    if depth == 1 {
      topLevelKeys.append(range)
      nestedKeys.append([])
    } else if depth == 2, !nestedKeys.isEmpty {
      nestedKeys[nestedKeys.count - 1].append(range)
    }
  }

  /// Index one past the closing quote of the string that opens at `start`, or the end of the text
  /// when the string is not closed.
  private static func endOfString(in text: [UInt8], from start: Int) -> Int {
    var index = start + 1
    while index < text.count {
      switch text[index] {
      case UInt8(ascii: "\\"):
        index += 2
      case UInt8(ascii: "\""):
        return index + 1
      default:
        index += 1
      }
    }
    return text.count
  }

  /// Decodes a key literal found by the scan, escapes included; nil if it is not a JSON string.
  static func decodeKey(_ text: [UInt8], _ range: Range<Int>) -> String? {
    let literal = Data(text[range.clamped(to: 0..<text.count)])
    let value = try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed)
    return value as? String
  }

  /// Returns the first key among `ranges` that equals an earlier one, decoded.
  static func firstDuplicate(_ text: [UInt8], _ ranges: [Range<Int>]) -> String? {
    var seen = Set<String>()
    for range in ranges {
      guard let key = decodeKey(text, range) else { continue }
      if !seen.insert(key).inserted {
        return key
      }
    }
    return nil
  }
}
