import Foundation
import XCTest

@testable import SkipConv

/// Sequence encoding, batch assembly, seeded batch order and held-out splits.
final class DataBatchTests: XCTestCase {
  private func randomLengths(_ count: Int, seed: UInt64) -> [Int] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in 5 + Int(generator.next() % 60) }
  }

  func testEncodeTruncatesAndPads() throws {
    let vocabulary = try Vocabulary(tokens: ["a", "b", "c"])
    let encoder = try SequenceEncoder(
      tokenizer: .word, vocabulary: vocabulary, maxLength: 6, minLength: 4)
    XCTAssertEqual(encoder.encode("a b c d a b c a"), [2, 3, 4, 1, 2, 3])
    XCTAssertEqual(encoder.encode("c a"), [4, 2, 0, 0])
    XCTAssertEqual(encoder.encode(""), [0, 0, 0, 0])
    XCTAssertEqual(encoder.encode("a b c a b"), [2, 3, 4, 2, 3])
    assertDataError(
      .invalidOption(
        "invalid sequence lengths: minimum 7, maximum 6; expected 1 <= minimum <= maximum")
    ) {
      try SequenceEncoder(tokenizer: .word, vocabulary: vocabulary, maxLength: 6, minLength: 7)
    }
    let defaults = try SequenceEncoder(tokenizer: .word, vocabulary: vocabulary, maxLength: 50)
    XCTAssertEqual(defaults.minLength, 5)
  }

  func testBatchPadsToLongest() throws {
    let vocabulary = try Vocabulary(tokens: ["x", "y"])
    let encoder = try SequenceEncoder(
      tokenizer: .word, vocabulary: vocabulary, maxLength: 8, minLength: 2)
    let examples = ["x", "x y x", "y y y y y y y y y y", "y"].enumerated().map {
      LabelledExample(
        label: $0.offset % 2 == 0 ? "neg" : "pos", text: $0.element,
        sourceFile: "f", line: $0.offset + 1)
    }
    let dataset = try encoder.encode(examples, labels: LabelSet(examples: examples))
    let short = dataset.batch([3, 0])
    XCTAssertEqual(short.tokenShape, [2, 2])
    XCTAssertEqual(short.tokens, [3, 0, 2, 0])
    XCTAssertEqual(short.labels, [1, 0])
    let mixed = dataset.batch([1, 2])
    XCTAssertEqual(mixed.tokenShape, [2, 8])
    XCTAssertEqual(mixed.tokens, [2, 3, 2, 0, 0, 0, 0, 0] + [Int32](repeating: 3, count: 8))
    XCTAssertEqual(mixed.indices, [1, 2])
    XCTAssertEqual(dataset.lengths, [2, 3, 8, 2])
  }

  /// A row's length counts the ids before its trailing padding, at least 1, so an empty text
  /// and an id 0 inside a row are handled.
  func testBatchLengthsCountTokens() throws {
    let vocabulary = try Vocabulary(tokens: ["x", "y"])
    let encoder = try SequenceEncoder(
      tokenizer: .word, vocabulary: vocabulary, maxLength: 8, minLength: 3)
    let dataset = EncodedDataset(
      sequences: ["x", "", "x y x y", "y y"].map { encoder.encode($0) }, labels: [0, 1, 0, 1],
      minLength: encoder.minLength)
    let batch = dataset.batch([0, 1, 2, 3])
    XCTAssertEqual(batch.tokenShape, [4, 4])
    XCTAssertEqual(batch.lengths, [1, 1, 4, 2])
    XCTAssertEqual(Batch.rowLengths(tokens: [3, 0, 2, 0, 0, 0, 0, 0, 0, 0], length: 5), [3, 1])
    XCTAssertEqual(Batch.rowLengths(tokens: [2, 2, 2], length: 3), [3])
  }

  func testEpochIsPermutation() throws {
    let lengths = randomLengths(103, seed: 5)
    let schedule = try BatchSchedule(lengths: lengths, batchSize: 10, seed: 99)
    XCTAssertEqual(schedule.batchesPerEpoch, 11)
    let batches = schedule.batches(epoch: 0)
    XCTAssertEqual(batches.count, 11)
    XCTAssertEqual(batches.last?.count, 3)
    XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<103))
    XCTAssertNotEqual(batches.flatMap { $0 }, Array(0..<103))
  }

  func testOrderReproducibleAndResumable() throws {
    let lengths = randomLengths(257, seed: 6)
    let schedule = try BatchSchedule(lengths: lengths, batchSize: 16, seed: 1234)
    let again = try BatchSchedule(lengths: lengths, batchSize: 16, seed: 1234)
    let other = try BatchSchedule(lengths: lengths, batchSize: 16, seed: 1235)
    for epoch in 0..<4 {
      XCTAssertEqual(schedule.batches(epoch: epoch), again.batches(epoch: epoch))
      XCTAssertNotEqual(schedule.batches(epoch: epoch), other.batches(epoch: epoch))
    }
    XCTAssertNotEqual(schedule.batches(epoch: 0), schedule.batches(epoch: 1))
    let epochTwo = schedule.batches(epoch: 2)
    for step in [0, 7, schedule.batchesPerEpoch - 1] {
      XCTAssertEqual(again.batch(epoch: 2, step: step), epochTwo[step])
    }
  }

  func testFixedFirstBatchesOfSeed() throws {
    let schedule = try BatchSchedule(lengths: [Int](repeating: 5, count: 10), batchSize: 4, seed: 7)
    var generator = SeededGenerator(
      seed: 7
        ^ {
          var mixer = SeededGenerator(seed: 0)
          return mixer.next()
        }())
    var order = Array(0..<10)
    for index in stride(from: 9, to: 0, by: -1) {
      let product = generator.next().multipliedFullWidth(by: UInt64(index + 1))
      XCTAssertGreaterThanOrEqual(product.low, (0 &- UInt64(index + 1)) % UInt64(index + 1))
      order.swapAt(index, Int(product.high))
    }
    XCTAssertEqual(
      schedule.batches(epoch: 0),
      [
        Array(order[0..<4]), Array(order[4..<8]),
        Array(order[8..<10]),
      ])
  }

  func testUnshuffledAndDropLast() throws {
    let lengths = randomLengths(10, seed: 8)
    let plain = try BatchSchedule(lengths: lengths, batchSize: 4, seed: 1, shuffle: false)
    XCTAssertEqual(plain.batches(epoch: 3), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    let dropped = try BatchSchedule(lengths: lengths, batchSize: 4, seed: 1, dropLast: true)
    XCTAssertEqual(dropped.batchesPerEpoch, 2)
    XCTAssertEqual(dropped.batches(epoch: 0).map(\.count), [4, 4])
    assertDataError(
      .invalidOption(
        "cannot form batches of 11 from 10 examples; use a smaller batch size or keep the last "
          + "partial batch")
    ) { try BatchSchedule(lengths: lengths, batchSize: 11, seed: 1, dropLast: true) }
    XCTAssertThrowsError(try BatchSchedule(lengths: lengths, batchSize: 0, seed: 1))
    assertDataError(
      .invalidOption("cannot form batches from 0 examples: the dataset is empty")
    ) { try BatchSchedule(lengths: [], batchSize: 4, seed: 1) }
  }

  func testBucketingReducesPadding() throws {
    let lengths = randomLengths(1_000, seed: 9)
    func padding(_ batches: [[Int]]) -> Int {
      batches.reduce(0) { total, batch in
        let longest = batch.map { lengths[$0] }.max()!
        return total + batch.reduce(0) { $0 + longest - lengths[$1] }
      }
    }
    let plain = try BatchSchedule(lengths: lengths, batchSize: 32, seed: 3)
    let bucketed = try BatchSchedule(lengths: lengths, batchSize: 32, seed: 3, bucketSize: 300)
    XCTAssertEqual(bucketed.bucketSize, 320)
    let batches = bucketed.batches(epoch: 1)
    XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<1_000))
    XCTAssertEqual(
      batches,
      try BatchSchedule(
        lengths: lengths, batchSize: 32, seed: 3, bucketSize: 300
      ).batches(epoch: 1))
    XCTAssertNotEqual(batches, bucketed.batches(epoch: 2))
    XCTAssertLessThan(padding(batches) * 4, padding(plain.batches(epoch: 1)))
    let lengthOrder = batches.map { $0.map { lengths[$0] } }
    XCTAssertTrue(lengthOrder.allSatisfy { $0 == $0.sorted() })
  }

  func testHoldoutSplit() throws {
    let split = try HoldoutSplit(count: 1_000, fraction: 0.15, seed: 21)
    XCTAssertEqual(split.validation.count, 150)
    XCTAssertEqual(split.train.count, 850)
    XCTAssertEqual(Set(split.train).union(split.validation), Set(0..<1_000))
    XCTAssertEqual(split.train, split.train.sorted())
    XCTAssertEqual(try HoldoutSplit(count: 1_000, fraction: 0.15, seed: 21), split)
    XCTAssertNotEqual(try HoldoutSplit(count: 1_000, fraction: 0.15, seed: 22), split)
    XCTAssertEqual(try HoldoutSplit(count: 2, fraction: 0.01, seed: 1).validation.count, 1)
    assertDataError(
      .invalidOption(
        "invalid validation fraction 1.0: expected a value between 0 and 1, exclusive")
    ) { try HoldoutSplit(count: 10, fraction: 1, seed: 1) }
    XCTAssertThrowsError(try HoldoutSplit(count: 1, fraction: 0.5, seed: 1))
  }

  func testUniformIndexCoversRange() {
    var generator = SeededGenerator(seed: 77)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 {
      counts[uniformIndex(below: 7, using: &generator)] += 1
    }
    XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
  }
}
