import Foundation
import XCTest

@testable import SkipConv

/// Loading registered datasets from a data folder, with held-out validation splits.
final class DataLoaderTests: XCTestCase {
  func testTRECHeldOutSplit() throws {
    let folder = try TemporaryFolder()
    let store = try DatasetStore(directory: folder.url, mirror: URL(string: "http://127.0.0.1:9"))
    let trec = try DatasetRegistry.descriptor(named: "trec")
    for file in trec.files {
      let bytes = try Data(contentsOf: try testDataFile("trec", file.name))
      try folder.write("trec/\(file.name)", bytes: [UInt8](bytes))
    }
    let splits = try DatasetLoader.load(
      dataset: "trec", store: store, validationFraction: 0.1, seed: 17)
    XCTAssertTrue(splits.validationIsHeldOut)
    XCTAssertEqual(splits.validation.count, 545)
    XCTAssertEqual(splits.train.count, 5_452 - 545)
    XCTAssertEqual(splits.test?.count, 500)
    XCTAssertEqual(Set(splits.train).intersection(splits.validation).count, 0)
    let again = try DatasetLoader.load(
      dataset: "trec", store: store, validationFraction: 0.1, seed: 17)
    XCTAssertEqual(again.validation, splits.validation)
  }

  func testAGNewsHeldOutSplit() throws {
    let folder = try TemporaryFolder()
    let store = try DatasetStore(directory: folder.url, mirror: URL(string: "http://127.0.0.1:9"))
    for name in ["test.csv", "classes.txt"] {
      let bytes = try Data(contentsOf: try testDataFile("ag_news", name))
      try folder.write("ag_news/\(name)", bytes: [UInt8](bytes))
    }
    let splits = try DatasetLoader.load(
      dataset: "ag_news", store: store, validationFraction: 0.2, seed: 4)
    XCTAssertTrue(splits.validationIsHeldOut)
    XCTAssertNil(splits.test)
    XCTAssertEqual(splits.train.count, 6_080)
    XCTAssertEqual(splits.validation.count, 1_520)
    let labels = LabelSet(examples: splits.train)
    XCTAssertEqual(labels.labels, ["Business", "Sci/Tech", "Sports", "World"])
    let vocabulary = try Vocabulary.build(
      from: splits.train.map(\.text), tokenizer: .word, minimumCount: 2, maximumSize: 20_000)
    let encoder = try SequenceEncoder(tokenizer: .word, vocabulary: vocabulary, maxLength: 64)
    let dataset = try encoder.encode(splits.validation, labels: labels)
    XCTAssertEqual(dataset.count, 1_520)
    XCTAssertTrue(dataset.sequences.allSatisfy { (5...64).contains($0.count) })
    let unknownShare =
      Double(dataset.sequences.joined().filter { $0 == 1 }.count)
      / Double(dataset.sequences.joined().count)
    XCTAssertLessThan(unknownShare, 0.2)
  }
}
