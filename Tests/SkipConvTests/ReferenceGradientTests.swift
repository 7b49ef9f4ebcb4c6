import XCTest

@testable import SkipConv

/// Checks every reference backward pass against central finite differences of the matching
/// forward pass, in `Double`, with the loss `sum(y * r)` for a random `r`.
final class ReferenceGradientTests: XCTestCase {
  private var random = SeededGenerator(seed: 0x5EED_0001)

  /// Small awkward conv1d shapes: even kernels with `same`, dilation 2 and 3, stride 2 on an odd
  /// length, causal, explicit padding, a kernel longer than the input, length 1, channels 1 and 3.
  private func conv1dGeometries() throws -> [Conv1dGeometry] {
    [
      try Conv1dGeometry(
        batch: 2, inputChannels: 3, outputChannels: 2, inputLength: 6, kernelSize: 2,
        padding: .same),
      try Conv1dGeometry(
        batch: 1, inputChannels: 2, outputChannels: 3, inputLength: 7, kernelSize: 4,
        padding: .same),
      try Conv1dGeometry(
        batch: 2, inputChannels: 3, outputChannels: 1, inputLength: 9, kernelSize: 3,
        dilation: 2, padding: .same),
      try Conv1dGeometry(
        batch: 1, inputChannels: 1, outputChannels: 3, inputLength: 11, kernelSize: 3,
        dilation: 3),
      try Conv1dGeometry(
        batch: 2, inputChannels: 3, outputChannels: 2, inputLength: 9, kernelSize: 3,
        stride: 2, padding: .explicit(left: 1, right: 1)),
      try Conv1dGeometry(
        batch: 1, inputChannels: 2, outputChannels: 2, inputLength: 7, kernelSize: 2, stride: 2),
      try Conv1dGeometry(
        batch: 2, inputChannels: 1, outputChannels: 1, inputLength: 5, kernelSize: 3,
        dilation: 2, padding: .causal),
      try Conv1dGeometry(
        batch: 1, inputChannels: 3, outputChannels: 3, inputLength: 6, kernelSize: 3,
        padding: .explicit(left: 2, right: 0)),
      try Conv1dGeometry(
        batch: 2, inputChannels: 1, outputChannels: 3, inputLength: 2, kernelSize: 5,
        padding: .explicit(left: 2, right: 3)),
      try Conv1dGeometry(
        batch: 1, inputChannels: 3, outputChannels: 1, inputLength: 1, kernelSize: 3,
        padding: .same),
    ]
  }

  func testConv1dGradients() throws {
    for g in try conv1dGeometries() {
      let x = random.doubles(g.inputShape.reduce(1, *))
      let w = random.doubles(g.weightShape.reduce(1, *))
      let b = random.doubles(g.outputChannels)
      let r = random.doubles(g.outputShape.reduce(1, *))
      func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        weightedSum(
          ReferenceOps.conv1dForward(input: x, weight: w, bias: b, geometry: g, activation: .none),
          r)
      }
      let dx = ReferenceOps.conv1dBackwardInput(outputGradient: r, weight: w, geometry: g)
      let (dw, db) = ReferenceOps.conv1dBackwardWeight(outputGradient: r, input: x, geometry: g)

      assertGradient(dx, at: x, "conv1d dx \(g)") { loss($0, w, b) }
      assertGradient(dw, at: w, "conv1d dw \(g)") { loss(x, $0, b) }
      assertGradient(db, at: b, "conv1d db \(g)") { loss(x, w, $0) }
    }
  }

  /// conv1d with fused ReLU, then `reluBackward` on `r`, then the conv1d backward passes: the
  /// chain a layer runs.
  func testConv1dReluChainGradients() throws {
    let g = try Conv1dGeometry(
      batch: 2, inputChannels: 3, outputChannels: 4, inputLength: 8, kernelSize: 3,
      padding: .same)
    let x = random.doubles(g.inputShape.reduce(1, *))
    let w = random.doubles(g.weightShape.reduce(1, *))
    let b = random.doubles(g.outputChannels)
    let r = random.doubles(g.outputShape.reduce(1, *))
    func loss(_ x: [Double], _ w: [Double]) -> Double {
      weightedSum(
        ReferenceOps.conv1dForward(input: x, weight: w, bias: b, geometry: g, activation: .relu),
        r)
    }
    let y = ReferenceOps.conv1dForward(input: x, weight: w, bias: b, geometry: g, activation: .relu)
    let dy = ReferenceOps.reluBackward(output: y, gradient: r)
    let dx = ReferenceOps.conv1dBackwardInput(outputGradient: dy, weight: w, geometry: g)
    let (dw, _) = ReferenceOps.conv1dBackwardWeight(outputGradient: dy, input: x, geometry: g)

    assertGradient(dx, at: x, "conv1d+relu dx \(g)") { loss($0, w) }
    assertGradient(dw, at: w, "conv1d+relu dw \(g)") { loss(x, $0) }
  }

  /// A projection is a conv1d with K=1; the strided case on an odd length skips inputs.
  func testProjectionGradients() throws {
    for (length, stride) in [(7, 2), (5, 1), (1, 2), (6, 3)] {
      let g = try Conv1dGeometry(
        batch: 2, inputChannels: 3, outputChannels: 2, inputLength: length, kernelSize: 1,
        stride: stride)
      let x = random.doubles(g.inputShape.reduce(1, *))
      let w = random.doubles(g.weightShape.reduce(1, *))
      let b = random.doubles(g.outputChannels)
      let r = random.doubles(g.outputShape.reduce(1, *))
      func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        weightedSum(
          ReferenceOps.conv1dForward(input: x, weight: w, bias: b, geometry: g, activation: .none),
          r)
      }
      let dx = ReferenceOps.conv1dBackwardInput(outputGradient: r, weight: w, geometry: g)
      let (dw, db) = ReferenceOps.conv1dBackwardWeight(outputGradient: r, input: x, geometry: g)

      assertGradient(dx, at: x, "projection dx \(g)") { loss($0, w, b) }
      assertGradient(dw, at: w, "projection dw \(g)") { loss(x, $0, b) }
      assertGradient(db, at: b, "projection db \(g)") { loss(x, w, $0) }
    }
  }

  func testHighwayGateGradients() throws {
    let count = 2 * 3 * 5
    let (aT, aH, x) = (
      random.doubles(count, in: -3..<3), random.doubles(count), random.doubles(count)
    )
    let r = random.doubles(count)
    func loss(_ aT: [Double], _ aH: [Double], _ x: [Double]) -> Double {
      weightedSum(ReferenceOps.highwayGateForward(transformInput: aT, hiddenInput: aH, carry: x), r)
    }
    let gradients = ReferenceOps.highwayGateBackward(
      outputGradient: r, transformInput: aT, hiddenInput: aH, carry: x)

    assertGradient(gradients.dTransform, at: aT, "highway gate daT [2, 3, 5]") { loss($0, aH, x) }
    assertGradient(gradients.dHidden, at: aH, "highway gate daH [2, 3, 5]") { loss(aT, $0, x) }
    assertGradient(gradients.dCarry, at: x, "highway gate dx [2, 3, 5]") { loss(aT, aH, $0) }
  }

  func testResidualAddGradients() throws {
    for activation in [Activation.none, .relu] {
      let count = 3 * 2 * 4
      let (a, b, r) = (random.doubles(count), random.doubles(count), random.doubles(count))
      func loss(_ a: [Double], _ b: [Double]) -> Double {
        weightedSum(ReferenceOps.residualAddForward(a, b, activation: activation), r)
      }
      let y = ReferenceOps.residualAddForward(a, b, activation: activation)
      let dSum = ReferenceOps.residualAddBackward(
        outputGradient: r, output: y, activation: activation)

      assertGradient(dSum, at: a, "residual add (\(activation)) da [3, 2, 4]") { loss($0, b) }
      assertGradient(dSum, at: b, "residual add (\(activation)) db [3, 2, 4]") { loss(a, $0) }
    }
  }

  func testDropoutGradients() throws {
    for probability: Float in [0, 0.3, 0.75] {
      let count = 2 * 3 * 7
      let (x, r) = (random.doubles(count), random.doubles(count))
      let seed: UInt32 = 1234
      func loss(_ x: [Double]) -> Double {
        weightedSum(ReferenceOps.dropoutForward(input: x, probability: probability, seed: seed), r)
      }
      let dx = ReferenceOps.dropoutBackward(outputGradient: r, probability: probability, seed: seed)

      assertGradient(dx, at: x, "dropout p=\(probability) dx [2, 3, 7]") { loss($0) }
    }
  }

  /// The embedding backward gives padding (id 0) no gradient, as PyTorch's `padding_idx` does,
  /// although the forward pass gathers row 0: row 0 is compared with zero, the other rows with
  /// finite differences.
  func testEmbeddingGradients() throws {
    let (batch, length, vocabulary, width) = (2, 5, 6, 3)
    let tokens: [Int32] = [3, 1, 0, 3, 5, 0, 5, 5, 2, 0]
    let table = random.doubles(vocabulary * width)
    let r = random.doubles(batch * width * length)
    let index = EmbeddingGradientIndex.group(tokens)
    let dtable = ReferenceOps.embeddingBackward(
      uniqueTokens: index.unique, offsets: index.offsets, positions: index.positions,
      outputGradient: r, length: length, vocabulary: vocabulary, width: width)
    let numeric = numericalGradient(at: table) { table in
      weightedSum(
        ReferenceOps.embeddingForward(tokens: tokens, table: table, length: length, width: width),
        r)
    }
    let context = "embedding dtable [\(vocabulary), \(width)] tokens [\(batch), \(length)]"

    XCTAssertEqual(Array(dtable[0..<width]), [0, 0, 0], "\(context): padding row")
    let error = relativeL2Error(Array(dtable[width...]), Array(numeric[width...]))
    XCTAssertLessThan(error, gradientTolerance, "\(context): relative L2 error, rows 1..<V")
    XCTAssertEqual(Array(dtable[4 * width..<5 * width]), [0, 0, 0], "\(context): absent id 4")
  }

  /// Pooling shapes with per-example lengths: nil (the full length) and lengths of 1, of L, in
  /// between, and 0 and past L, which clamp.
  private let poolingShapes: [(batch: Int, channels: Int, length: Int, lengths: [Int32]?)] = [
    (2, 3, 5, nil), (1, 1, 1, nil), (3, 2, 4, nil), (1, 1, 1, [1]), (3, 2, 5, [1, 5, 3]),
    (2, 3, 4, [0, 9]),
  ]

  func testMaxPoolGradients() throws {
    for (batch, channels, length, lengths) in poolingShapes {
      let x = random.doubles(batch * channels * length)
      let r = random.doubles(batch * channels)
      let argmax = ReferenceOps.maxPoolForward(input: x, length: length, lengths: lengths).argmax
      let dx = ReferenceOps.maxPoolBackward(outputGradient: r, argmax: argmax, length: length)
      let context = "max pool dx [\(batch), \(channels), \(length)] lengths \(lengths ?? [])"

      assertGradient(dx, at: x, context) { x in
        weightedSum(ReferenceOps.maxPoolForward(input: x, length: length, lengths: lengths).y, r)
      }
    }
  }

  func testMeanPoolGradients() throws {
    for (batch, channels, length, lengths) in poolingShapes {
      let x = random.doubles(batch * channels * length)
      let r = random.doubles(batch * channels)
      let dx = ReferenceOps.meanPoolBackward(outputGradient: r, length: length, lengths: lengths)
      let context = "mean pool dx [\(batch), \(channels), \(length)] lengths \(lengths ?? [])"

      assertGradient(dx, at: x, context) { x in
        weightedSum(ReferenceOps.meanPoolForward(input: x, length: length, lengths: lengths), r)
      }
    }
  }

  /// The mask is linear, so its backward pass is the same mask applied to the output gradient.
  func testSequenceMaskGradients() throws {
    for (batch, channels, length, lengths) in poolingShapes {
      let lengths = lengths ?? [Int32](repeating: Int32(length), count: batch)
      let x = random.doubles(batch * channels * length)
      let r = random.doubles(batch * channels * length)
      let dx = ReferenceOps.sequenceMask(r, length: length, lengths: lengths)
      let context = "sequence mask dx [\(batch), \(channels), \(length)] lengths \(lengths)"

      assertGradient(dx, at: x, context) { x in
        weightedSum(ReferenceOps.sequenceMask(x, length: length, lengths: lengths), r)
      }
    }
  }

  func testLinearGradients() throws {
    for (batch, inputWidth, outputWidth) in [(3, 4, 2), (1, 1, 1), (2, 5, 3)] {
      let x = random.doubles(batch * inputWidth)
      let w = random.doubles(outputWidth * inputWidth)
      let b = random.doubles(outputWidth)
      let r = random.doubles(batch * outputWidth)
      func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        let y = ReferenceOps.linearForward(
          input: x, weight: w, bias: b, inputWidth: inputWidth, outputWidth: outputWidth)
        return weightedSum(y, r)
      }
      let dx = ReferenceOps.linearBackwardInput(
        outputGradient: r, weight: w, inputWidth: inputWidth, outputWidth: outputWidth)
      let (dw, db) = ReferenceOps.linearBackwardWeight(
        outputGradient: r, input: x, inputWidth: inputWidth, outputWidth: outputWidth)
      let shape = "x [\(batch), \(inputWidth)] w [\(outputWidth), \(inputWidth)]"

      assertGradient(dx, at: x, "linear dx \(shape)") { loss($0, w, b) }
      assertGradient(dw, at: w, "linear dw \(shape)") { loss(x, $0, b) }
      assertGradient(db, at: b, "linear db \(shape)") { loss(x, w, $0) }
    }
  }

  /// The op returns the gradient of `gradientScale * sum(losses)`, so that is the loss here
  /// instead of a weighted sum.
  func testSoftmaxCrossEntropyGradients() throws {
    for (batch, classes) in [(4, 5), (1, 2), (3, 1), (2, 7)] {
      let logits = random.doubles(batch * classes, in: -4..<4)
      let labels = (0..<batch).map { _ in Int32(random.next() % UInt64(classes)) }
      let scale = 0.37
      let result = ReferenceOps.softmaxCrossEntropy(
        logits: logits, labels: labels, classes: classes, gradientScale: scale)
      let context = "softmax cross-entropy dlogits [\(batch), \(classes)]"
      guard classes > 1 else {
        XCTAssertEqual(result.dlogits, [Double](repeating: 0, count: batch), context)
        continue
      }
      assertGradient(result.dlogits, at: logits, context) { logits in
        let losses = ReferenceOps.softmaxCrossEntropy(
          logits: logits, labels: labels, classes: classes, gradientScale: scale
        ).losses
        return scale * losses.reduce(0, +)
      }
    }
  }
}
