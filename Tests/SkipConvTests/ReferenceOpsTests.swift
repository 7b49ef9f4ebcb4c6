import XCTest

@testable import SkipConv

/// Checks reference forward passes against values worked out by hand in each test.
final class ReferenceOpsTests: XCTestCase {
  /// x = [1, 2, 3, 4], w = [1, 0, -1], b = 0.5, `same` pads (1, 1), so
  /// y[t] = x[t-1] - x[t+1] + 0.5 = [0 - 2, 1 - 3, 2 - 4, 3 - 0] + 0.5.
  func testConv1dSameKnownValues() throws {
    let g = try Conv1dGeometry(
      batch: 1, inputChannels: 1, outputChannels: 1, inputLength: 4, kernelSize: 3,
      padding: .same)
    let input: [Double] = [1, 2, 3, 4]
    let weight: [Double] = [1, 0, -1]
    let y = ReferenceOps.conv1dForward(
      input: input, weight: weight, bias: [0.5], geometry: g, activation: .none)
    XCTAssertEqual(y, [-1.5, -1.5, -1.5, 3.5], "conv1d same K=3 forward")
    let relu = ReferenceOps.conv1dForward(
      input: input, weight: weight, bias: [0.5], geometry: g, activation: .relu)
    XCTAssertEqual(relu, [0, 0, 0, 3.5], "conv1d same K=3 forward with ReLU")
  }

  /// Two input channels, K=2, dilation 2, stride 2, padding (1, 0), L=5:
  /// Lout = (5 + 1 - 2 - 1) / 2 + 1 = 2. Output t reads x[2t - 1] (tap 0) and x[2t + 1] (tap 1).
  /// y[0] = w[0,1]*x0[1] + w[1,1]*x1[1] = 2*2 + 1*0 = 4 (tap 0 reads padding);
  /// y[1] = w[0,0]*x0[1] + w[1,0]*x1[1] + w[0,1]*x0[3] + w[1,1]*x1[3] = 2 + 0 + 8 + 1 = 11;
  /// the bias 0.25 is added to both.
  func testConv1dStridedDilatedKnownValues() throws {
    let g = try Conv1dGeometry(
      batch: 1, inputChannels: 2, outputChannels: 1, inputLength: 5, kernelSize: 2, stride: 2,
      dilation: 2, padding: .explicit(left: 1, right: 0))
    XCTAssertEqual(g.outputLength, 2, "conv1d output length \(g)")
    let input: [Double] = [1, 2, 3, 4, 5, -1, 0, 2, 1, 3]
    let weight: [Double] = [1, 2, -1, 1]
    let y = ReferenceOps.conv1dForward(
      input: input, weight: weight, bias: [0.25], geometry: g, activation: .none)
    XCTAssertEqual(y, [4.25, 11.25], "conv1d forward \(g)")
  }

  /// x = [1, 2, 3], w = [1, 1]: `same` with an even kernel pads (0, 1) as PyTorch does, so
  /// y = [1 + 2, 2 + 3, 3 + 0].
  func testConv1dSameEvenKernelPadsRight() throws {
    let g = try Conv1dGeometry(
      batch: 1, inputChannels: 1, outputChannels: 1, inputLength: 3, kernelSize: 2,
      padding: .same)
    XCTAssertEqual(g.padLeft, 0, "conv1d same K=2 left padding")
    XCTAssertEqual(g.padRight, 1, "conv1d same K=2 right padding")
    let y = ReferenceOps.conv1dForward(
      input: [1.0, 2, 3], weight: [1, 1], bias: nil, geometry: g, activation: .none)
    XCTAssertEqual(y, [3, 5, 3], "conv1d same K=2 forward")
  }

  /// PyTorch's `padding='same'` (torch.nn.functional.conv1d, 2.x) pads `d*(K-1)` in total,
  /// `total // 2` on the left, and keeps the length.
  func testConv1dSameOutputLengths() throws {
    for kernelSize in 1...6 {
      for dilation in 1...3 {
        for length in 1...9 {
          let g = try Conv1dGeometry(
            batch: 1, inputChannels: 1, outputChannels: 1, inputLength: length,
            kernelSize: kernelSize, dilation: dilation, padding: .same)
          let total = dilation * (kernelSize - 1)
          XCTAssertEqual(g.outputLength, length, "conv1d same output length \(g)")
          XCTAssertEqual(g.padLeft, total / 2, "conv1d same left padding \(g)")
          XCTAssertEqual(g.padRight, total - total / 2, "conv1d same right padding \(g)")
        }
      }
    }
  }

  /// dy = [1, 2] on the strided, dilated case above: dx[i] sums w[c,k]*dy[t] over the taps that
  /// read i. x index 1 is read by (t=0, k=1) and (t=1, k=0); index 3 by (t=1, k=1); the rest by
  /// none. So dx0 = [0, 2*1 + 1*2, 0, 2*2, 0], dx1 = [0, 1*1 + -1*2, 0, 1*2, 0].
  func testConv1dBackwardInputKnownValues() throws {
    let g = try Conv1dGeometry(
      batch: 1, inputChannels: 2, outputChannels: 1, inputLength: 5, kernelSize: 2, stride: 2,
      dilation: 2, padding: .explicit(left: 1, right: 0))
    let dx = ReferenceOps.conv1dBackwardInput(
      outputGradient: [1.0, 2], weight: [1, 2, -1, 1], geometry: g)
    XCTAssertEqual(dx, [0, 4, 0, 4, 0, 0, -1, 0, 2, 0], "conv1d dx \(g)")
  }

  /// aT = 0 gives s = 1/2, aH = 2 gives H = 2: y = 2/2 + 1/2 = 1.5. aT = ln 3 gives s = 3/4,
  /// aH = -1 gives H = 0: y = 0 + 4/4 = 1.
  func testHighwayGateKnownValues() {
    let y = ReferenceOps.highwayGateForward(
      transformInput: [0, log(3.0)], hiddenInput: [2, -1], carry: [1, 4])
    XCTAssertEqual(y[0], 1.5, accuracy: 1e-15, "highway gate y[0]")
    XCTAssertEqual(y[1], 1, accuracy: 1e-15, "highway gate y[1]")
  }

  /// dy = 2 at aT = 0 (s = 1/2), aH = 2, x = 1: daT = 2 * (2 - 1) / 4 = 0.5, daH = 2/2 = 1,
  /// dx = 2/2 = 1. At aH = -1, daH is 0.
  func testHighwayGateBackwardKnownValues() {
    let gradients = ReferenceOps.highwayGateBackward(
      outputGradient: [2, 2], transformInput: [0, 0], hiddenInput: [2, -1], carry: [1, 1])
    XCTAssertEqual(gradients.dTransform, [0.5, -0.5], "highway gate daT")
    XCTAssertEqual(gradients.dHidden, [1, 0], "highway gate daH")
    XCTAssertEqual(gradients.dCarry, [1, 1], "highway gate dx")
  }

  func testResidualAddKnownValues() {
    let a: [Double] = [1, -2, 0.5]
    let b: [Double] = [2, 1, -1.5]
    XCTAssertEqual(
      ReferenceOps.residualAddForward(a, b, activation: .none), [3, -1, -1], "residual add")
    XCTAssertEqual(
      ReferenceOps.residualAddForward(a, b, activation: .relu), [3, 0, 0],
      "residual add with ReLU")
    let dy: [Double] = [5, 6, 7]
    let relu = ReferenceOps.residualAddBackward(
      outputGradient: dy, output: [3, 0, 0], activation: .relu)
    XCTAssertEqual(relu, [5, 0, 0], "residual add backward with ReLU")
    let plain = ReferenceOps.residualAddBackward(
      outputGradient: dy, output: [3, -1, -1], activation: .none)
    XCTAssertEqual(plain, dy, "residual add backward without activation")
    let dx = ReferenceOps.reluBackward(output: [0.5, 0, 2, 0], gradient: [1.0, 2, 3, 4])
    XCTAssertEqual(dx, [1, 0, 3, 0], "relu backward")
  }

  func testDropoutZeroProbabilityKeepsAll() {
    var random = SeededGenerator(seed: 11)
    let x = random.doubles(1000)
    let y = ReferenceOps.dropoutForward(input: x, probability: 0, seed: 99)
    XCTAssertEqual(y, x, "dropout p=0")
  }

  /// With p = 0.25 a kept element is x / 0.75 and a dropped one 0, decided by `dropoutKeeps` on
  /// the flat index; about a quarter of 10000 elements drop.
  func testDropoutMaskAndScale() {
    var random = SeededGenerator(seed: 12)
    let x = random.doubles(10_000, in: 0.5..<1.5)
    let seed: UInt32 = 2024
    let threshold = dropoutThreshold(0.25)
    let y = ReferenceOps.dropoutForward(input: x, probability: 0.25, seed: seed)
    var dropped = 0
    for i in x.indices {
      if dropoutKeeps(index: i, seed: seed, threshold: threshold) {
        XCTAssertEqual(y[i], x[i] / 0.75, accuracy: 1e-15, "dropout kept element \(i)")
      } else {
        XCTAssertEqual(y[i], 0, "dropout dropped element \(i)")
        dropped += 1
      }
    }
    XCTAssertGreaterThan(dropped, 2300, "dropout p=0.25 drops about 2500 of 10000")
    XCTAssertLessThan(dropped, 2700, "dropout p=0.25 drops about 2500 of 10000")
    let other = ReferenceOps.dropoutForward(input: x, probability: 0.25, seed: seed + 1)
    XCTAssertNotEqual(other, y, "dropout with another seed drops other elements")
  }

  /// Table rows are `[10v, 10v + 1]`, so y[n, e, l] = 10 * tokens[n, l] + e.
  func testEmbeddingForwardKnownValues() {
    let table: [Double] = [0, 1, 10, 11, 20, 21, 30, 31]
    let y = ReferenceOps.embeddingForward(
      tokens: [2, 0, 3, 1, 1, 2], table: table, length: 3, width: 2)
    XCTAssertEqual(y, [20, 0, 30, 21, 1, 31, 10, 10, 20, 11, 11, 21], "embedding y [2, 2, 3]")
  }

  /// tokens [[2, 0, 2], [1, 2, 0]], dy[n, e, l] = 100n + 10e + l: id 2 sits at positions 0, 2
  /// and 4 (n=1, l=1), so dtable[2, e] = (10e) + (10e + 2) + (100 + 10e + 1) = 103 + 30e; id 1 sits
  /// at position 3 (n=1, l=0), so dtable[1, e] = 100 + 10e; padding row 0 and absent row 3 are 0.
  func testEmbeddingBackwardKnownValues() {
    let tokens: [Int32] = [2, 0, 2, 1, 2, 0]
    var dy = [Double](repeating: 0, count: 2 * 2 * 3)
    for n in 0..<2 {
      for e in 0..<2 {
        for l in 0..<3 {
          dy[(n * 2 + e) * 3 + l] = Double(100 * n + 10 * e + l)
        }
      }
    }
    let index = EmbeddingGradientIndex.group(tokens)
    XCTAssertEqual(index.unique, [1, 2], "embedding index ids")
    XCTAssertEqual(index.offsets, [0, 1, 4], "embedding index offsets")
    XCTAssertEqual(index.positions, [3, 0, 2, 4], "embedding index positions")
    let dtable = ReferenceOps.embeddingBackward(
      uniqueTokens: index.unique, offsets: index.offsets, positions: index.positions,
      outputGradient: dy, length: 3, vocabulary: 4, width: 2)
    XCTAssertEqual(dtable, [0, 0, 100, 110, 103, 133, 0, 0], "embedding dtable [4, 2]")
  }

  /// Ties go to the first index of the maximum; max pool backward routes dy there only.
  func testMaxPoolKnownValues() {
    let x: [Double] = [1, 3, 3, -2, -5, -2, -7, 4, 4]
    let (y, argmax) = ReferenceOps.maxPoolForward(input: x, length: 3)
    XCTAssertEqual(y, [3, -2, 4], "max pool y")
    XCTAssertEqual(argmax, [1, 0, 1], "max pool argmax")
    let dx = ReferenceOps.maxPoolBackward(outputGradient: [5.0, 6, 7], argmax: argmax, length: 3)
    XCTAssertEqual(dx, [0, 5, 0, 6, 0, 0, 0, 7, 0], "max pool dx")
  }

  func testMeanPoolKnownValues() {
    let y = ReferenceOps.meanPoolForward(input: [1.0, 2, 6, -3, 0, 0], length: 3)
    XCTAssertEqual(y, [3, -1], "mean pool y")
    let dx = ReferenceOps.meanPoolBackward(outputGradient: [3.0, -6], length: 3)
    XCTAssertEqual(dx, [1, 1, 1, -2, -2, -2], "mean pool dx")
  }

  /// x `[3, 1, 4]` with lengths 2, 0 (clamped to 1) and 9 (clamped to 4): the padding of each
  /// row contains its largest value, which pooling must skip.
  func testPoolingWithLengthsKnownValues() {
    let x: [Double] = [2, -4, 9, 9, -1, 3, 9, 9, 1, 5, 2, 4]
    let lengths: [Int32] = [2, 0, 9]
    XCTAssertEqual(
      ReferenceOps.validLengths(lengths, rows: 3, length: 4), [2, 1, 4], "valid lengths")
    let (y, argmax) = ReferenceOps.maxPoolForward(input: x, length: 4, lengths: lengths)
    XCTAssertEqual(y, [2, -1, 5], "max pool y with lengths")
    XCTAssertEqual(argmax, [0, 0, 1], "max pool argmax with lengths")
    let mean = ReferenceOps.meanPoolForward(input: x, length: 4, lengths: lengths)
    XCTAssertEqual(mean, [-1, -1, 3], "mean pool y with lengths")
    let dx = ReferenceOps.meanPoolBackward(
      outputGradient: [4.0, 6, -8], length: 4, lengths: lengths)
    XCTAssertEqual(dx, [2, 2, 0, 0, 6, 0, 0, 0, -2, -2, -2, -2], "mean pool dx with lengths")
  }

  /// Lengths [1, 3] on x `[2, 2, 3]` and [0, 7], which clamp to [1, 3].
  func testSequenceMaskKnownValues() {
    let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    let masked = ReferenceOps.sequenceMask(x, length: 3, lengths: [1, 3])
    XCTAssertEqual(masked, [1, 0, 0, 4, 0, 0, 7, 8, 9, 10, 11, 12], "sequence mask [1, 3]")
    let clamped = ReferenceOps.sequenceMask(x, length: 3, lengths: [0, 7])
    XCTAssertEqual(clamped, masked, "sequence mask [0, 7]")
  }

  /// x = [1, 2], w rows [1, 0], [2, -1], [0.5, 0.5], b = [0.1, 0.2, 0.3]:
  /// y = [1 + 0.1, 2 - 2 + 0.2, 0.5 + 1 + 0.3].
  func testLinearKnownValues() {
    let weight: [Double] = [1, 0, 2, -1, 0.5, 0.5]
    let y = ReferenceOps.linearForward(
      input: [1, 2], weight: weight, bias: [0.1, 0.2, 0.3], inputWidth: 2, outputWidth: 3)
    XCTAssertEqual(y[0], 1.1, accuracy: 1e-15, "linear y[0]")
    XCTAssertEqual(y[1], 0.2, accuracy: 1e-15, "linear y[1]")
    XCTAssertEqual(y[2], 1.8, accuracy: 1e-15, "linear y[2]")
    let dx = ReferenceOps.linearBackwardInput(
      outputGradient: [1, -1, 2], weight: weight, inputWidth: 2, outputWidth: 3)
    XCTAssertEqual(dx, [1 - 2 + 1, 0 + 1 + 1], "linear dx = dy w")
  }

  /// Row 0: logits [0, ln 2, ln 5] give softmax [1/8, 2/8, 5/8]; label 1 gives loss ln 4,
  /// the prediction is 2, and with scale 1/2, dlogits = [1/16, (2/8 - 1)/2, 5/16]. Row 1: the
  /// tie [2, 2, 1] predicts the first maximum, 0.
  func testSoftmaxCrossEntropyKnownValues() {
    let result = ReferenceOps.softmaxCrossEntropy(
      logits: [0, log(2.0), log(5.0), 2, 2, 1], labels: [1, 2], classes: 3, gradientScale: 0.5)
    XCTAssertEqual(result.losses[0], log(4), accuracy: 1e-14, "softmax loss row 0")
    XCTAssertEqual(result.predictions, [2, 0], "softmax predictions")
    let expected: [Double] = [1.0 / 16, -3.0 / 8, 5.0 / 16]
    for j in 0..<3 {
      XCTAssertEqual(result.dlogits[j], expected[j], accuracy: 1e-15, "softmax dlogits[0, \(j)]")
    }
  }

  /// Logits [1000, 1000 + ln 3] overflow `exp` unless shifted by the max: softmax [1/4, 3/4], so
  /// label 0 gives loss ln 4 and dlogits [1/4 - 1, 3/4].
  func testSoftmaxCrossEntropyLargeLogits() {
    let result = ReferenceOps.softmaxCrossEntropy(
      logits: [1000, 1000 + log(3.0)], labels: [0], classes: 2, gradientScale: 1)
    XCTAssertEqual(result.losses[0], log(4), accuracy: 1e-12, "softmax loss of large logits")
    XCTAssertEqual(result.dlogits[0], -0.75, accuracy: 1e-12, "softmax dlogits[0] of large logits")
    XCTAssertEqual(result.dlogits[1], 0.75, accuracy: 1e-12, "softmax dlogits[1] of large logits")
  }
}
