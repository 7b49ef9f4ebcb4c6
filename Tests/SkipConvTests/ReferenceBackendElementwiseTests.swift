import XCTest

@testable import SkipConv

extension ReferenceBackendTests {
  func testHighwayGateMatchesDoubleOps() throws {
    let shape = [2, 3, 5]
    let (aT, aH, x, dy) = try (tensor(shape), tensor(shape), tensor(shape), tensor(shape))
    let y = try output(shape)
    let (daT, daH, dx) = try (output(shape), output(shape), output(shape))
    try backend.highwayGateForward(transformInput: aT, hiddenInput: aH, carry: x, output: y)
    try backend.highwayGateBackward(
      outputGradient: dy, transformInput: aT, hiddenInput: aH, carry: x, transformGradient: daT,
      hiddenGradient: daH, carryGradient: dx, mode: .overwrite)

    let (aT64, aH64, x64) = try (doubles(values(aT)), doubles(values(aH)), doubles(values(x)))
    let expected = ReferenceOps.highwayGateForward(
      transformInput: aT64, hiddenInput: aH64, carry: x64)
    let gradients = ReferenceOps.highwayGateBackward(
      outputGradient: try doubles(values(dy)), transformInput: aT64, hiddenInput: aH64,
      carry: x64)
    assertClose(try values(y), expected, "highwayGateForward y \(shape)")
    assertClose(try values(daT), gradients.dTransform, "highwayGateBackward daT \(shape)")
    assertClose(try values(daH), gradients.dHidden, "highwayGateBackward daH \(shape)")
    assertClose(try values(dx), gradients.dCarry, "highwayGateBackward dx \(shape)")
  }

  func testResidualAddAndReluBackward() throws {
    let shape = [2, 4, 3]
    let (a, b, dy) = try (tensor(shape), tensor(shape), tensor(shape))
    let y = try output(shape)
    try backend.residualAddForward(a, b, output: y, activation: .relu)
    let (a64, b64) = try (doubles(values(a)), doubles(values(b)))
    let expected = ReferenceOps.residualAddForward(a64, b64, activation: .relu)
    assertClose(try values(y), expected, "residualAddForward relu y \(shape)")

    let dSum = try output(shape)
    try backend.residualAddBackward(
      outputGradient: dy, output: y, sumGradient: dSum, activation: .relu, mode: .overwrite)
    let masked = try values(dy)
    try backend.reluBackward(output: y, gradient: dy)
    XCTAssertEqual(try values(dy), try values(dSum), "reluBackward in place vs residual add")
    let outputs = try values(y)
    for i in masked.indices {
      let expected = outputs[i] > 0 ? masked[i] : 0
      XCTAssertEqual(try values(dSum)[i], expected, "residualAddBackward relu element \(i)")
    }
  }

  func testDropoutBackwardMatchesForwardMask() throws {
    let shape = [3, 2, 9]
    let x = try tensor(shape, in: 0.5..<1.5)
    let (y, dx) = try (output(shape), output(shape))
    try backend.dropoutForward(input: x, output: y, probability: 0.4, seed: 77)
    try backend.dropoutBackward(
      outputGradient: x, inputGradient: dx, probability: 0.4, seed: 77, mode: .overwrite)
    XCTAssertEqual(try values(y), try values(dx), "dropout forward and backward of one tensor")
    XCTAssertTrue(try values(y).contains(0), "dropout p=0.4 drops some of 54 elements")
  }

  func testElementwiseGradientModes() throws {
    let shape = [2, 3, 4]
    let (aT, aH, x, dy) = try (tensor(shape), tensor(shape), tensor(shape), tensor(shape))
    let highway = [("daT", shape), ("daH", shape), ("dx", shape)]
    try assertModes("highwayGateBackward", gradients: highway) { grads, mode in
      try backend.highwayGateBackward(
        outputGradient: dy, transformInput: aT, hiddenInput: aH, carry: x,
        transformGradient: grads[0], hiddenGradient: grads[1], carryGradient: grads[2],
        mode: mode)
    }
    for activation in [Activation.none, .relu] {
      try assertModes("residualAddBackward \(activation)", gradients: [("dsum", shape)]) {
        grads, mode in
        try backend.residualAddBackward(
          outputGradient: dy, output: x, sumGradient: grads[0], activation: activation,
          mode: mode)
      }
    }
    try assertModes("dropoutBackward", gradients: [("dx", shape)]) { grads, mode in
      try backend.dropoutBackward(
        outputGradient: dy, inputGradient: grads[0], probability: 0.5, seed: 3, mode: mode)
    }
  }

  func testElementwiseShapeErrors() throws {
    let (a, b) = try (tensor([2, 3, 4]), tensor([2, 3, 4]))
    let wrong = try tensor([2, 4, 3])
    assertShapeError("highwayGateForward", naming: "carry") {
      try backend.highwayGateForward(
        transformInput: a, hiddenInput: b, carry: wrong, output: try output([2, 3, 4]))
    }
    assertShapeError("highwayGateBackward", naming: "hidden gradient") {
      try backend.highwayGateBackward(
        outputGradient: a, transformInput: a, hiddenInput: b, carry: a, transformGradient: b,
        hiddenGradient: wrong, carryGradient: b, mode: .overwrite)
    }
    assertShapeError("residualAddForward", naming: "output") {
      try backend.residualAddForward(a, b, output: wrong, activation: .relu)
    }
    assertShapeError("residualAddBackward", naming: "sum gradient") {
      try backend.residualAddBackward(
        outputGradient: a, output: b, sumGradient: wrong, activation: .none, mode: .overwrite)
    }
    assertShapeError("reluBackward", naming: "gradient") {
      try backend.reluBackward(output: a, gradient: wrong)
    }
    assertShapeError("dropoutForward", naming: "output") {
      try backend.dropoutForward(input: a, output: wrong, probability: 0.1, seed: 1)
    }
    assertShapeError("dropoutBackward", naming: "probability") {
      try backend.dropoutBackward(
        outputGradient: a, inputGradient: b, probability: 1, seed: 1, mode: .overwrite)
    }
  }
}
