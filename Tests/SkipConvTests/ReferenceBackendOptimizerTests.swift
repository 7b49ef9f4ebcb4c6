import XCTest

@testable import SkipConv

extension ReferenceBackendTests {
  func testAdamMatchesDoubleOps() throws {
    for decoupled in [true, false] {
      let shape = [3, 7]
      let (p, g) = try (tensor(shape), tensor(shape))
      let (m, v) = try (tensor(shape, in: -0.1..<0.1), tensor(shape, in: 0..<0.01))
      let scale = try tensor([1], values: [0.75])
      let before = try (p: values(p), g: values(g), m: values(m), v: values(v))
      let settings = AdamHyperparameters(
        learningRate: 0.01, weightDecay: 0.1, decoupledWeightDecay: decoupled, step: 3)
      try backend.adamUpdate(
        parameter: p, gradient: g, firstMoment: m, secondMoment: v, hyperparameters: settings,
        gradientScale: scale)
      let expected = ReferenceOps.adamUpdate(
        parameter: doubles(before.p), gradient: doubles(before.g), firstMoment: doubles(before.m),
        secondMoment: doubles(before.v), hyperparameters: settings, gradientScale: 0.75)
      let name = decoupled ? "AdamW" : "Adam"
      assertClose(try values(p), expected.parameter, "\(name) parameter \(shape)")
      assertClose(try values(m), expected.firstMoment, "\(name) first moment \(shape)")
      assertClose(try values(v), expected.secondMoment, "\(name) second moment \(shape)")
      XCTAssertEqual(try values(g), before.g, "\(name) leaves the gradient unchanged")
    }
  }

  func testSgdMatchesDoubleOps() throws {
    let shape = [4, 5]
    let (p, g, velocity) = try (tensor(shape), tensor(shape), tensor(shape))
    let before = try (p: values(p), g: values(g), velocity: values(velocity))
    try backend.sgdUpdate(
      parameter: p, gradient: g, velocity: velocity, learningRate: 0.05, momentum: 0.9,
      weightDecay: 0.01, gradientScale: nil)
    let expected = ReferenceOps.sgdUpdate(
      parameter: doubles(before.p), gradient: doubles(before.g),
      velocity: doubles(before.velocity), learningRate: Double(Float(0.05)),
      momentum: Double(Float(0.9)), weightDecay: Double(Float(0.01)), gradientScale: 1)
    assertClose(try values(p), expected.parameter, "SGD parameter \(shape)")
    assertClose(try values(velocity), expected.velocity, "SGD velocity \(shape)")
  }

  func testGradientNormAndClippingScale() throws {
    let gradients = try [tensor([2, 3]), tensor([5]), tensor([1, 1, 4])]
    let result = try output([1])
    try backend.gradientNormSquared(gradients, result: result)
    let expected = ReferenceOps.gradientNormSquared(try gradients.map { try values($0) })
    assertClose(try values(result), [expected], "gradientNormSquared of three tensors")

    let scale = try output([1])
    try backend.clippingScale(normSquared: result, maxNorm: 0.5, scale: scale)
    let expectedScale = ReferenceOps.clippingScale(
      normSquared: Double(try values(result)[0]), maxNorm: 0.5)
    assertClose(try values(scale), [expectedScale], "clippingScale with max norm 0.5")
    XCTAssertLessThan(try values(scale)[0], 1, "clippingScale of a norm above 0.5")
  }

  func testOptimizerShapeErrors() throws {
    let (p, g, m) = try (tensor([3, 2]), tensor([3, 2]), tensor([3, 2]))
    let settings = AdamHyperparameters(learningRate: 0.01, step: 1)
    assertShapeError("adamUpdate", naming: "second moment") {
      try backend.adamUpdate(
        parameter: p, gradient: g, firstMoment: m, secondMoment: try tensor([2, 3]),
        hyperparameters: settings, gradientScale: nil)
    }
    assertShapeError("adamUpdate", naming: "gradient scale") {
      try backend.adamUpdate(
        parameter: p, gradient: g, firstMoment: m, secondMoment: try tensor([3, 2]),
        hyperparameters: settings, gradientScale: try tensor([2]))
    }
    assertShapeError("adamUpdate", naming: "step") {
      try backend.adamUpdate(
        parameter: p, gradient: g, firstMoment: m, secondMoment: try tensor([3, 2]),
        hyperparameters: AdamHyperparameters(learningRate: 0.01, step: 0), gradientScale: nil)
    }
    assertShapeError("sgdUpdate", naming: "velocity") {
      try backend.sgdUpdate(
        parameter: p, gradient: g, velocity: try tensor([6]), learningRate: 0.1, momentum: 0.9,
        weightDecay: 0, gradientScale: nil)
    }
    assertShapeError("gradientNormSquared", naming: "result") {
      try backend.gradientNormSquared([p, g], result: try output([2]))
    }
    assertShapeError("clippingScale", naming: "max norm") {
      try backend.clippingScale(normSquared: try tensor([1]), maxNorm: 0, scale: try output([1]))
    }
  }
}
