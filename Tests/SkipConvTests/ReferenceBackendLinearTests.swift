import XCTest

@testable import SkipConv

extension ReferenceBackendTests {
  func testLinearMatchesDoubleOps() throws {
    let (batch, inputWidth, outputWidth) = (3, 5, 4)
    let (x, w, b) = try (
      tensor([batch, inputWidth]), tensor([outputWidth, inputWidth]), tensor([outputWidth])
    )
    let dy = try tensor([batch, outputWidth])
    let y = try output([batch, outputWidth])
    let dx = try output([batch, inputWidth])
    let (dw, db) = try (output([outputWidth, inputWidth]), output([outputWidth]))
    try backend.linearForward(input: x, weight: w, bias: b, output: y)
    try backend.linearBackwardInput(
      outputGradient: dy, weight: w, inputGradient: dx, mode: .overwrite)
    try backend.linearBackwardWeight(
      outputGradient: dy, input: x, weightGradient: dw, biasGradient: db, mode: .overwrite)

    let (x64, w64, dy64) = try (doubles(values(x)), doubles(values(w)), doubles(values(dy)))
    let expected = ReferenceOps.linearForward(
      input: x64, weight: w64, bias: try doubles(values(b)), inputWidth: inputWidth,
      outputWidth: outputWidth)
    let expectedInput = ReferenceOps.linearBackwardInput(
      outputGradient: dy64, weight: w64, inputWidth: inputWidth, outputWidth: outputWidth)
    let expectedWeight = ReferenceOps.linearBackwardWeight(
      outputGradient: dy64, input: x64, inputWidth: inputWidth, outputWidth: outputWidth)
    assertClose(try values(y), expected, "linearForward y [\(batch), \(outputWidth)]")
    assertClose(try values(dx), expectedInput, "linearBackwardInput dx [\(batch), \(inputWidth)]")
    assertClose(try values(dw), expectedWeight.dw, "linearBackwardWeight dw")
    assertClose(try values(db), expectedWeight.db, "linearBackwardWeight db")
  }

  func testSoftmaxCrossEntropyMatchesDoubleOps() throws {
    let (batch, classes) = (4, 6)
    let logits = try tensor([batch, classes], in: -3..<3)
    let labelValues: [Int32] = [5, 0, 2, 2]
    let labels = try integers([batch], values: labelValues)
    let (losses, dlogits) = try (output([batch]), output([batch, classes]))
    let predictions = try integers([batch], values: [-1, -1, -1, -1])
    try backend.softmaxCrossEntropy(
      logits: logits, labels: labels, losses: losses, predictions: predictions,
      logitsGradient: dlogits, gradientScale: 0.25)
    let expected = ReferenceOps.softmaxCrossEntropy(
      logits: try doubles(values(logits)), labels: labelValues, classes: classes,
      gradientScale: 0.25)
    assertClose(try values(losses), expected.losses, "softmaxCrossEntropy losses [\(batch)]")
    XCTAssertEqual(
      try backend.download(predictions), expected.predictions, "softmaxCrossEntropy predictions")
    assertClose(try values(dlogits), expected.dlogits, "softmaxCrossEntropy dlogits")
  }

  func testLinearGradientModes() throws {
    let (x, w, dy) = try (tensor([3, 4]), tensor([2, 4]), tensor([3, 2]))
    try assertModes("linearBackwardInput", gradients: [("dx", [3, 4])]) { grads, mode in
      try backend.linearBackwardInput(
        outputGradient: dy, weight: w, inputGradient: grads[0], mode: mode)
    }
    try assertModes("linearBackwardWeight", gradients: [("dw", [2, 4]), ("db", [2])]) {
      grads, mode in
      try backend.linearBackwardWeight(
        outputGradient: dy, input: x, weightGradient: grads[0], biasGradient: grads[1],
        mode: mode)
    }
  }

  func testLinearAndLossShapeErrors() throws {
    let (x, w, dy) = try (tensor([3, 4]), tensor([2, 4]), tensor([3, 2]))
    assertShapeError("linearForward", naming: "output") {
      try backend.linearForward(input: x, weight: w, bias: nil, output: try output([2, 3]))
    }
    assertShapeError("linearForward", naming: "bias") {
      try backend.linearForward(
        input: x, weight: w, bias: try tensor([4]), output: try output([3, 2]))
    }
    assertShapeError("linearBackwardInput", naming: "input gradient") {
      try backend.linearBackwardInput(
        outputGradient: dy, weight: w, inputGradient: try output([3, 2]), mode: .overwrite)
    }
    assertShapeError("linearBackwardWeight", naming: "weight gradient") {
      try backend.linearBackwardWeight(
        outputGradient: dy, input: x, weightGradient: try output([4, 2]), biasGradient: nil,
        mode: .overwrite)
    }
    assertShapeError("linearBackwardWeight", naming: "input") {
      try backend.linearBackwardWeight(
        outputGradient: dy, input: try tensor([2, 4]), weightGradient: try output([2, 4]),
        biasGradient: nil, mode: .overwrite)
    }
    let logits = try tensor([2, 3])
    let predictions = try integers([2], values: [0, 0])
    assertShapeError("softmaxCrossEntropy", naming: "label 3 in row 1") {
      try backend.softmaxCrossEntropy(
        logits: logits, labels: try integers([2], values: [0, 3]), losses: try output([2]),
        predictions: predictions, logitsGradient: try output([2, 3]), gradientScale: 1)
    }
    assertShapeError("softmaxCrossEntropy", naming: "logits gradient") {
      try backend.softmaxCrossEntropy(
        logits: logits, labels: try integers([2], values: [0, 1]), losses: try output([2]),
        predictions: predictions, logitsGradient: try output([3, 2]), gradientScale: 1)
    }
  }
}
