import XCTest

@testable import SkipConv

extension ReferenceBackendTests {
  func testConv1dMatchesDoubleOps() throws {
    let g = try Conv1dGeometry(
      batch: 2, inputChannels: 3, outputChannels: 4, inputLength: 9, kernelSize: 4, stride: 2,
      dilation: 2, padding: .explicit(left: 3, right: 1))
    let x = try tensor(g.inputShape)
    let w = try tensor(g.weightShape)
    let b = try tensor([g.outputChannels])
    let dy = try tensor(g.outputShape)
    let (xs, ws, bs, dys) = try (values(x), values(w), values(b), values(dy))
    let y = try output(g.outputShape)
    let dx = try output(g.inputShape)
    let dw = try output(g.weightShape)
    let db = try output([g.outputChannels])
    try backend.conv1dForward(
      input: x, weight: w, bias: b, output: y, geometry: g, activation: .relu)
    try backend.conv1dBackwardInput(
      outputGradient: dy, weight: w, inputGradient: dx, geometry: g, mode: .overwrite)
    try backend.conv1dBackwardWeight(
      outputGradient: dy, input: x, weightGradient: dw, biasGradient: db, geometry: g,
      mode: .overwrite)

    let (x64, w64, b64, dy64) = (doubles(xs), doubles(ws), doubles(bs), doubles(dys))
    let expected = ReferenceOps.conv1dForward(
      input: x64, weight: w64, bias: b64, geometry: g, activation: .relu)
    let expectedInput = ReferenceOps.conv1dBackwardInput(
      outputGradient: dy64, weight: w64, geometry: g)
    let expectedWeight = ReferenceOps.conv1dBackwardWeight(
      outputGradient: dy64, input: x64, geometry: g)
    assertClose(try values(y), expected, "conv1dForward y \(g)")
    assertClose(try values(dx), expectedInput, "conv1dBackwardInput dx \(g)")
    assertClose(try values(dw), expectedWeight.dw, "conv1dBackwardWeight dw \(g)")
    assertClose(try values(db), expectedWeight.db, "conv1dBackwardWeight db \(g)")
  }

  func testProjectionMatchesConv1d() throws {
    let g = try Conv1dGeometry(
      batch: 2, inputChannels: 3, outputChannels: 5, inputLength: 7, kernelSize: 1, stride: 2)
    let x = try tensor(g.inputShape)
    let w = try tensor(g.weightShape)
    let b = try tensor([g.outputChannels])
    let dy = try tensor(g.outputShape)
    let (projected, convolved) = try (output(g.outputShape), output(g.outputShape))
    try backend.projectionForward(
      input: x, weight: w, bias: b, output: projected, stride: 2, activation: .none)
    try backend.conv1dForward(
      input: x, weight: w, bias: b, output: convolved, geometry: g, activation: .none)
    XCTAssertEqual(try values(projected), try values(convolved), "projectionForward y \(g)")

    let (dxProjected, dxConvolved) = try (output(g.inputShape), output(g.inputShape))
    try backend.projectionBackwardInput(
      outputGradient: dy, weight: w, inputGradient: dxProjected, stride: 2, mode: .overwrite)
    try backend.conv1dBackwardInput(
      outputGradient: dy, weight: w, inputGradient: dxConvolved, geometry: g, mode: .overwrite)
    XCTAssertEqual(try values(dxProjected), try values(dxConvolved), "projection dx \(g)")

    let (dwProjected, dwConvolved) = try (output(g.weightShape), output(g.weightShape))
    let (dbProjected, dbConvolved) = try (output([5]), output([5]))
    try backend.projectionBackwardWeight(
      outputGradient: dy, input: x, weightGradient: dwProjected, biasGradient: dbProjected,
      stride: 2, mode: .overwrite)
    try backend.conv1dBackwardWeight(
      outputGradient: dy, input: x, weightGradient: dwConvolved, biasGradient: dbConvolved,
      geometry: g, mode: .overwrite)
    XCTAssertEqual(try values(dwProjected), try values(dwConvolved), "projection dw \(g)")
    XCTAssertEqual(try values(dbProjected), try values(dbConvolved), "projection db \(g)")
  }

  func testConv1dGradientModes() throws {
    let g = try Conv1dGeometry(
      batch: 2, inputChannels: 3, outputChannels: 2, inputLength: 6, kernelSize: 2,
      padding: .same)
    let x = try tensor(g.inputShape)
    let w = try tensor(g.weightShape)
    let dy = try tensor(g.outputShape)
    try assertModes("conv1dBackwardInput", gradients: [("dx", g.inputShape)]) { grads, mode in
      try backend.conv1dBackwardInput(
        outputGradient: dy, weight: w, inputGradient: grads[0], geometry: g, mode: mode)
    }
    let weightGradients = [("dw", g.weightShape), ("db", [g.outputChannels])]
    try assertModes("conv1dBackwardWeight", gradients: weightGradients) { grads, mode in
      try backend.conv1dBackwardWeight(
        outputGradient: dy, input: x, weightGradient: grads[0], biasGradient: grads[1],
        geometry: g, mode: mode)
    }
  }

  func testProjectionGradientModes() throws {
    let x = try tensor([2, 3, 7])
    let w = try tensor([4, 3, 1])
    let dy = try tensor([2, 4, 4])
    try assertModes("projectionBackwardInput", gradients: [("dx", [2, 3, 7])]) { grads, mode in
      try backend.projectionBackwardInput(
        outputGradient: dy, weight: w, inputGradient: grads[0], stride: 2, mode: mode)
    }
    let weightGradients = [("dw", [4, 3, 1]), ("db", [4])]
    try assertModes("projectionBackwardWeight", gradients: weightGradients) { grads, mode in
      try backend.projectionBackwardWeight(
        outputGradient: dy, input: x, weightGradient: grads[0], biasGradient: grads[1],
        stride: 2, mode: mode)
    }
  }

  func testConv1dShapeErrors() throws {
    let g = try Conv1dGeometry(
      batch: 2, inputChannels: 3, outputChannels: 2, inputLength: 6, kernelSize: 3)
    let x = try tensor(g.inputShape)
    let w = try tensor(g.weightShape)
    let dy = try tensor(g.outputShape)
    assertShapeError("conv1dForward", naming: "output") {
      try backend.conv1dForward(
        input: x, weight: w, bias: nil, output: try output([2, 2, 6]), geometry: g,
        activation: .none)
    }
    assertShapeError("conv1dForward", naming: "bias") {
      try backend.conv1dForward(
        input: x, weight: w, bias: try tensor([3]), output: try output(g.outputShape),
        geometry: g, activation: .none)
    }
    assertShapeError("conv1dBackwardInput", naming: "input gradient") {
      try backend.conv1dBackwardInput(
        outputGradient: dy, weight: w, inputGradient: try output([2, 3, 5]), geometry: g,
        mode: .overwrite)
    }
    assertShapeError("conv1dBackwardWeight", naming: "weight gradient") {
      try backend.conv1dBackwardWeight(
        outputGradient: dy, input: x, weightGradient: try output([2, 3, 2]), biasGradient: nil,
        geometry: g, mode: .overwrite)
    }
    assertShapeError("projectionForward", naming: "output") {
      try backend.projectionForward(
        input: x, weight: try tensor([2, 3, 1]), bias: nil, output: try output([2, 2, 6]),
        stride: 2, activation: .none)
    }
    assertShapeError("projectionBackwardWeight", naming: "weight") {
      try backend.projectionBackwardWeight(
        outputGradient: dy, input: x, weightGradient: try output([2, 4, 1]), biasGradient: nil,
        stride: 1, mode: .overwrite)
    }
  }
}
