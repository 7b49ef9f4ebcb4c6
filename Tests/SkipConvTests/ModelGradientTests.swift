import XCTest

@testable import SkipConv

/// Checks the wiring of whole models (residual and highway blocks, projections, stride-2 stages,
/// pooling, dropout, classifier) against central differences of the mean cross-entropy loss, on
/// the reference backend.
///
/// The reference stores fp32 between ops, so the loss is only accurate to about 1e-7 and the
/// differences use a step of 1e-3: the numerical gradient is then good to about 1e-2 relative,
/// while a wrong sign, a missing path or a swapped index gives errors of order 1. The bound
/// 2e-2 of the largest probed gradient sits between the two. ReLU and max pooling have kinks: a
/// probe whose difference quotient changes by more than 2% when the step halves straddles one and
/// is skipped, and at least half of all probes must be usable.
final class ModelGradientTests: XCTestCase {
  private let step: Float = 1e-3
  private let tolerance = 2e-2

  private func checkModel(_ configuration: ModelConfiguration, file: StaticString = #filePath, line: UInt = #line) throws {
    let backend = ReferenceBackend()
    let model = try TextClassifier(
      configuration: configuration, vocabularySize: 11, classCount: 3, backend: backend, seed: 3)
    let batch = 3
    let length = 7
    var random = SeededGenerator(seed: 9)
    // Rows shorter than the batch, padded with id 0, so the gradients pass through the masks.
    let hostLengths: [Int32] = [7, 4, 2]
    let hostTokens = (0..<batch * length).map { position in
      position % length < Int(hostLengths[position / length]) ? Int32(1 + random.next() % 10) : 0
    }
    let hostLabels: [Int32] = [0, 2, 1]
    let lengths = try model.uploadLengths(hostLengths)
    let tokens = try backend.makeTensor([batch, length], .int32)
    let labels = try backend.makeTensor([batch], .int32)
    try backend.upload(hostTokens, to: tokens)
    try backend.upload(hostLabels, to: labels)
    let losses = try backend.makeTensor([batch], .float32)
    let predictions = try backend.makeTensor([batch], .int32)
    let dlogits = try backend.makeTensor([batch, 3], .float32)

    func meanLoss() throws -> Double {
      let logits = try model.forward(tokens: tokens, lengths: lengths, dropoutSeed: 77)
      try backend.softmaxCrossEntropy(
        logits: logits, labels: labels, losses: losses, predictions: predictions,
        logitsGradient: dlogits, gradientScale: 1 / Float(batch))
      let values: [Float] = try backend.download(losses)
      return values.reduce(0) { $0 + Double($1) } / Double(batch)
    }

    _ = try meanLoss()
    let index = try backend.makeEmbeddingGradientIndex(
      tokens: hostTokens, batch: batch, length: length)
    try model.backward(logitsGradient: dlogits, index: index)

    var probed = 0
    var usable = 0
    for parameter in model.parameters {
      let analytic: [Float] = try backend.download(parameter.gradient)
      var values: [Float] = try backend.download(parameter.value)
      func difference(_ i: Int, _ h: Float) throws -> Double {
        let original = values[i]
        values[i] = original + h
        try backend.upload(values, to: parameter.value)
        let above = try meanLoss()
        values[i] = original - h
        try backend.upload(values, to: parameter.value)
        let below = try meanLoss()
        values[i] = original
        try backend.upload(values, to: parameter.value)
        return (above - below) / (2 * Double(h))
      }
      // A few coordinates per parameter keep the check fast. Row 0 of the embedding is padding,
      // which gets no gradient by design (as PyTorch's padding_idx), so its probes start at row 1.
      let first = parameter.name == "embedding.weight" ? parameter.shape[1] : 0
      let probes = Set([first, values.count - 1, (first + values.count) / 2, values.count / 3])
        .filter { $0 >= first }.sorted()
      var numeric: [Double] = []
      var expected: [Double] = []
      for i in probes {
        let coarse = try difference(i, step)
        let fine = try difference(i, step / 2)
        probed += 1
        guard abs(coarse - fine) <= 0.02 * max(abs(fine), 1e-2) else { continue }
        usable += 1
        numeric.append(fine)
        expected.append(Double(analytic[i]))
      }
      let error = zip(numeric, expected).map { abs($0 - $1) }.max() ?? 0
      let scale = max(numeric.map(abs).max() ?? 0, 1e-2)
      XCTAssertLessThan(
        error / scale, tolerance,
        "\(configuration.blockType) \(parameter.name): analytic \(expected) numeric \(numeric)",
        file: file, line: line)
    }
    XCTAssertGreaterThanOrEqual(
      usable * 2, probed, "too many probes straddle a kink: \(usable) of \(probed) usable",
      file: file, line: line)
  }

  private func tinyConfiguration(_ block: ModelConfiguration.BlockType) -> ModelConfiguration {
    var configuration = ModelConfiguration()
    configuration.blockType = block
    configuration.embeddingDimension = 4
    configuration.channels = 5
    configuration.depth = 2
    configuration.stages = 2
    configuration.dropout = 0.25
    configuration.embeddingDropout = 0.2
    return configuration
  }

  func testResidualModelGradients() throws {
    try checkModel(tinyConfiguration(.residual))
  }

  func testHighwayModelGradients() throws {
    try checkModel(tinyConfiguration(.highway))
  }

  func testMeanPoolingModelGradients() throws {
    var configuration = tinyConfiguration(.residual)
    configuration.pooling = .mean
    configuration.stages = 1
    configuration.kernelSize = 4
    configuration.dilation = 2
    try checkModel(configuration)
  }
}
