import Foundation
import XCTest

@testable import SkipConv

/// A text's logits and gradients do not depend on the padding of its batch, because every block
/// zeroes its output past each row's valid length and pooling reads only the valid positions.
/// Logits must match bitwise: the padding changes no operand of any valid output element.
final class PaddingIndependenceTests: XCTestCase {
  private let words = (0..<30).map { "w\($0)" }

  /// Texts of 0 tokens (length 1), 1, 2, 4 and 6 tokens, and one with unknown words.
  private var texts: [String] {
    ["", "w1", "w2 w3", "w4 w5 w6 w7", "w8 w9 w10 w11 w12 w13", "w1 zzz w2 yyy"]
  }

  /// A text much longer than the others, which sets the padded length of a batch.
  private var longText: String {
    (0..<50).map { words[($0 * 7) % words.count] }.joined(separator: " ")
  }

  private func configuration(
    _ block: ModelConfiguration.BlockType, _ pooling: ModelConfiguration.Pooling
  ) -> ModelConfiguration {
    var configuration = ModelConfiguration()
    configuration.blockType = block
    configuration.pooling = pooling
    configuration.embeddingDimension = 8
    configuration.channels = 12
    configuration.depth = 2
    configuration.stages = 2
    return configuration
  }

  /// Saves a freshly initialised model to a checkpoint and loads it as a `Classifier`.
  private func classifier(
    _ configuration: ModelConfiguration, backend: Backend, folder: TemporaryFolder
  ) throws -> Classifier {
    let vocabulary = try Vocabulary(tokens: words)
    let model = try TextClassifier(
      configuration: configuration, vocabularySize: vocabulary.count, classCount: 3,
      backend: backend, seed: 17)
    let metadata = CheckpointMetadata(
      configuration: configuration, tokenizer: .word, vocabulary: vocabulary,
      labels: LabelSet(labels: ["a", "b", "c"]))
    let url = folder.url.appendingPathComponent(
      "\(configuration.blockType)-\(configuration.pooling).safetensors")
    try ModelCheckpoint.save(
      model: model, optimizer: nil, metadata: metadata, backend: backend, to: url)
    return try Classifier(checkpoint: url, backend: backend)
  }

  private func checkLogits(backend: Backend) throws {
    let folder = try TemporaryFolder()
    for block in ModelConfiguration.BlockType.allCases {
      for pooling in ModelConfiguration.Pooling.allCases {
        let classifier = try classifier(
          configuration(block, pooling), backend: backend, folder: folder)
        let context = "\(backend.name) \(block) \(pooling)"
        let alone = try texts.map { try classifier.logits([$0])[0] }
        let all = try classifier.logits(texts + [longText])
        let longAlone = try classifier.logits([longText])[0]
        XCTAssertEqual(all.last, longAlone, "\(context): long text alone and in the batch")
        for (row, text) in texts.enumerated() {
          let besideLong = try classifier.logits([text, longText])[0]
          XCTAssertEqual(besideLong, alone[row], "\(context): '\(text)' beside the long text")
          XCTAssertEqual(all[row], alone[row], "\(context): '\(text)' in one call with all")
        }
        XCTAssertNotEqual(alone[0], alone[1], "\(context): logits ignore the tokens")
      }
    }
  }

  func testLogitsIgnorePaddingOnReference() throws {
    try checkLogits(backend: ReferenceBackend())
  }

  func testLogitsIgnorePaddingOnOpenCL() throws {
    try checkLogits(backend: try requireOpenCL())
  }

  /// Returns every parameter gradient of one training step on `tokens` padded to `length`, with
  /// dropout off and a learning rate of 0, so repeated steps see the same weights.
  private func gradients(
    _ step: TrainingStep, rows: [[Int32]], length: Int, backend: Backend
  ) throws -> [[Float]] {
    var tokens = [Int32](repeating: 0, count: rows.count * length)
    for (row, ids) in rows.enumerated() {
      tokens.replaceSubrange(row * length..<row * length + ids.count, with: ids)
    }
    let batch = TokenBatch(
      tokens: tokens, labels: rows.indices.map { Int32($0 % 3) },
      lengths: Batch.rowLengths(tokens: tokens, length: length), batchSize: rows.count,
      length: length)
    try step.train(step.upload(batch, forTraining: true), learningRate: 0, dropoutSeed: 3)
    return try step.model.parameters.map { try backend.download($0.gradient) }
  }

  private func checkGradients(backend: Backend, exact: Bool) throws {
    var random = SeededGenerator(seed: 41)
    let rows: [[Int32]] = [1, 4, 9, 2].map { count in
      (0..<count).map { _ in Int32(2 + random.next() % 30) }
    }
    for block in ModelConfiguration.BlockType.allCases {
      for pooling in ModelConfiguration.Pooling.allCases {
        var configuration = configuration(block, pooling)
        configuration.dropout = 0
        configuration.embeddingDropout = 0
        let model = try TextClassifier(
          configuration: configuration, vocabularySize: 32, classCount: 3, backend: backend,
          seed: 23)
        let optimizer = try Optimizer(
          parameters: model.parameters, settings: OptimizerSettings(), backend: backend)
        let step = TrainingStep(model: model, optimizer: optimizer, backend: backend)
        let tight = try gradients(step, rows: rows, length: 9, backend: backend)
        let padded = try gradients(step, rows: rows, length: 40, backend: backend)
        for (parameter, (expected, actual)) in zip(model.parameters, zip(tight, padded)) {
          let context = "\(backend.name) \(block) \(pooling) \(parameter.name)"
          if exact {
            XCTAssertEqual(actual, expected, "\(context): gradient with 31 more padding columns")
          } else {
            assertParity(actual, expected, "\(context): gradient with 31 more padding columns")
          }
        }
      }
    }
  }

  func testGradientsIgnorePaddingOnReference() throws {
    try checkGradients(backend: ReferenceBackend(), exact: true)
  }

  /// The device's weight-gradient kernels group the terms of their sums in ways that depend on
  /// the padded length (vector lanes, tails, batch chunks), so the sums agree only to rounding.
  func testGradientsIgnorePaddingOnOpenCL() throws {
    try checkGradients(backend: try requireOpenCL(), exact: false)
  }
}
