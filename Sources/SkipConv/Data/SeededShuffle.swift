/// Shuffles `elements` in place by Fisher-Yates with `generator`.
///
/// The bounded draws are written out (`uniformIndex(below:using:)`) rather than taken from
/// `Int.random(in:using:)`, whose algorithm the standard library does not promise to keep, so a
/// seed gives the same order on every Swift version.
func seededShuffle<Element>(_ elements: inout [Element], using generator: inout SeededGenerator) {
  guard elements.count > 1 else { return }
  for index in stride(from: elements.count - 1, to: 0, by: -1) {
    let other = uniformIndex(below: index + 1, using: &generator)
    elements.swapAt(index, other)
  }
}

/// Returns a uniform integer in `0..<bound`, drawn by Lemire's multiply-and-reject method.
func uniformIndex(below bound: Int, using generator: inout SeededGenerator) -> Int {
  precondition(bound > 0, "bound must be positive")
  let range = UInt64(bound)
  var product = generator.next().multipliedFullWidth(by: range)
  if product.low < range {
    let threshold = (0 &- range) % range
    while product.low < threshold {
      product = generator.next().multipliedFullWidth(by: range)
    }
  }
  return Int(product.high)
}

/// Training and validation indices held out from one file.
public struct HoldoutSplit: Equatable, Sendable {
  /// Indices kept for training, ascending.
  public let train: [Int]
  /// Indices held out for validation, ascending.
  public let validation: [Int]

  /// Holds out `round(fraction * count)` of `count` examples (at least one, and at least one
  /// left for training), chosen by a shuffle seeded with `seed`.
  public init(count: Int, fraction: Double, seed: UInt64) throws {
    guard fraction > 0, fraction < 1 else {
      throw DataError.invalidOption(
        "invalid validation fraction \(fraction): expected a value between 0 and 1, exclusive")
    }
    guard count >= 2 else {
      throw DataError.invalidOption(
        "cannot hold out validation examples from \(count) example(s): expected at least 2")
    }
    let validationCount = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
    var order = Array(0..<count)
    var generator = SeededGenerator(seed: seed)
    seededShuffle(&order, using: &generator)
    validation = order[..<validationCount].sorted()
    train = order[validationCount...].sorted()
  }
}
