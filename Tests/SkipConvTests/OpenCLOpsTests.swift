import XCTest

@testable import SkipConv

/// Behaviour of the OpenCL kernels that the parity tables cannot reach: the dropout hash at its
/// threshold, ids and labels outside their range, rejected arguments, and the GPU variants run
/// on whatever device the tests have.
final class OpenCLOpsTests: XCTestCase {
  /// Runs dropout forward over `count` ones and returns the output.
  private func dropoutOfOnes(count: Int, probability: Float, seed: UInt32) throws -> [Float] {
    let backend = try requireOpenCL()
    let x = try backend.makeTensor([count], .float32)
    let y = try backend.makeTensor([count], .float32)
    try backend.upload([Float](repeating: 1, count: count), to: x)
    try backend.fill(y, with: .nan)
    try backend.dropoutForward(input: x, output: y, probability: probability, seed: seed)
    return try backend.download(y)
  }

  func testDropoutMaskMatchesHash() throws {
    let (count, probability, seed): (Int, Float, UInt32) = (1237, 0.3, 0xDEAD_BEEF)
    let y = try dropoutOfOnes(count: count, probability: probability, seed: seed)
    let threshold = dropoutThreshold(probability)
    for index in 0..<count {
      let kept = dropoutKeeps(index: index, seed: seed, threshold: threshold)
      XCTAssertEqual(y[index], kept ? 1 / (1 - probability) : 0, "element \(index)")
    }
  }

  func testDropoutKeepsHashAtThreshold() throws {
    // Find a seed whose element-0 hash ends in eight zero bits, so that it fits a Float exactly
    // and a probability maps to exactly that hash as the threshold.
    var seed: UInt32 = 1
    while lowbias32(0 ^ lowbias32(seed)) & 0xFF != 0 {
      seed += 1
    }
    let hash = lowbias32(0 ^ lowbias32(seed))
    let probability = Float(hash) / 4_294_967_296
    XCTAssertEqual(dropoutThreshold(probability), hash)
    let y = try dropoutOfOnes(count: 1, probability: probability, seed: seed)
    XCTAssertEqual(y[0], 1 / (1 - probability), "an element whose hash equals the threshold stays")
  }

  func testDropoutRejectsProbabilityOne() throws {
    let backend = try requireOpenCL()
    let x = try backend.makeTensor([4], .float32)
    XCTAssertThrowsError(try backend.dropoutForward(input: x, output: x, probability: 1, seed: 0))
    XCTAssertThrowsError(
      try backend.dropoutForward(input: x, output: x, probability: -0.1, seed: 0))
  }

  func testEmbeddingZerosForInvalidIds() throws {
    let backend = try requireOpenCL()
    let (vocabulary, width) = (3, 2)
    let tokens = try backend.makeTensor([1, 4], .int32)
    try backend.upload([2, -1, 3, 1] as [Int32], to: tokens)
    let table = try backend.makeTensor([vocabulary, width], .float32)
    try backend.upload([10, 11, 20, 21, 30, 31] as [Float], to: table)
    let y = try backend.makeTensor([1, width, 4], .float32)
    try backend.fill(y, with: .nan)
    try backend.embeddingForward(tokens: tokens, table: table, output: y)
    let values: [Float] = try backend.download(y)
    // y [1, E, L]: channel 0 then channel 1, each over the four positions.
    XCTAssertEqual(values, [30, 0, 0, 20, 31, 0, 0, 21])
  }

  func testLossNaNForInvalidLabel() throws {
    let backend = try requireOpenCL()
    let (batch, classes) = (3, 4)
    let logits = try backend.makeTensor([batch, classes], .float32)
    var random = SeededGenerator(seed: 5)
    try backend.upload(random.uniform(batch * classes), to: logits)
    let labels = try backend.makeTensor([batch], .int32)
    try backend.upload([1, 4, -1] as [Int32], to: labels)
    let losses = try backend.makeTensor([batch], .float32)
    let predictions = try backend.makeTensor([batch], .int32)
    let dlogits = try backend.makeTensor([batch, classes], .float32)
    try backend.softmaxCrossEntropy(
      logits: logits, labels: labels, losses: losses, predictions: predictions,
      logitsGradient: dlogits, gradientScale: 1)
    let lossValues: [Float] = try backend.download(losses)
    let gradientValues: [Float] = try backend.download(dlogits)
    XCTAssertTrue(lossValues[0].isFinite, "row 0 has a valid label")
    XCTAssertTrue(lossValues[1].isNaN, "label 4 of 4 classes")
    XCTAssertTrue(lossValues[2].isNaN, "label -1")
    XCTAssertTrue(gradientValues[0..<classes].allSatisfy(\.isFinite))
    XCTAssertTrue(gradientValues[classes...].allSatisfy(\.isNaN))
  }

  /// Runs the quick parity tables with the GPU kernel variants (vector width 4, 2 x 2 linear
  /// blocks), so that they are checked even where the tests run on a CPU device.
  func testGPUVariantsPassParity() throws {
    let shared = try requireOpenCL()
    let device = OpenCLBackend(context: shared.context, variants: KernelVariants(deviceClass: .gpu))
    let cases =
      ParityTable.elementwiseCases(quick: true) + ParityTable.embeddingCases(quick: true)
      + ParityTable.poolingCases(quick: true) + ParityTable.linearCases(quick: true)
      + ParityTable.lossCases(quick: true) + ParityTable.optimizerCases(quick: true)
    let suite = ParitySuite()
    for (index, parityCase) in cases.enumerated() {
      let result = suite.run(parityCase, index: index, device: device)
      let label = "\(parityCase.op) \(parityCase.pass) \(parityCase.shape)"
      XCTAssertNil(result.error, label)
      for check in result.checks where !check.passes(tolerance: suite.tolerance) {
        XCTFail("\(label) \(check.output): \(check.metrics)")
      }
    }
  }
}
