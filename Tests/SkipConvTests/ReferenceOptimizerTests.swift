import Foundation
import XCTest

@testable import SkipConv

/// Checks the optimizer steps and gradient clipping against arithmetic written out in each test.
/// The hyperparameters are powers of two, exact in `Float`, so the `Float` fields of
/// `AdamHyperparameters` carry the same values as the arithmetic here.
final class ReferenceOptimizerTests: XCTestCase {
  private let epsilon = 1.0 / 1024

  private func hyperparameters(step: Int, weightDecay: Float, decoupled: Bool)
    -> AdamHyperparameters
  {
    AdamHyperparameters(
      learningRate: 0.125, beta1: 0.5, beta2: 0.75, epsilon: 1.0 / 1024,
      weightDecay: weightDecay, decoupledWeightDecay: decoupled, step: step)
  }

  /// AdamW, lr 1/8, betas (1/2, 3/4), wd 1/4, p = 1, gradients 0.5 then 1.
  /// Step 1: p = 1 * (1 - 1/32) = 0.96875; m = 0.25; v = 0.0625; mhat = 0.25 / 0.5 = 0.5;
  /// vhat = 0.0625 / 0.25 = 0.25; p -= 0.125 * 0.5 / (0.5 + eps).
  /// Step 2: p *= 0.96875; m = 0.125 + 0.5 = 0.625; v = 0.046875 + 0.25 = 0.296875;
  /// mhat = 0.625 / 0.75; vhat = 0.296875 / 0.4375; p -= 0.125 * mhat / (sqrt(vhat) + eps).
  func testAdamWTwoSteps() {
    let first = ReferenceOps.adamUpdate(
      parameter: [1.0], gradient: [0.5], firstMoment: [0], secondMoment: [0],
      hyperparameters: hyperparameters(step: 1, weightDecay: 0.25, decoupled: true),
      gradientScale: 1)
    let p1 = 0.96875 - 0.125 * 0.5 / (0.5 + epsilon)
    XCTAssertEqual(first.parameter[0], p1, accuracy: 1e-15, "AdamW step 1 parameter")
    XCTAssertEqual(first.firstMoment, [0.25], "AdamW step 1 first moment")
    XCTAssertEqual(first.secondMoment, [0.0625], "AdamW step 1 second moment")

    let second = ReferenceOps.adamUpdate(
      parameter: first.parameter, gradient: [1], firstMoment: first.firstMoment,
      secondMoment: first.secondMoment,
      hyperparameters: hyperparameters(step: 2, weightDecay: 0.25, decoupled: true),
      gradientScale: 1)
    let (mhat, vhat) = (0.625 / 0.75, 0.296875 / 0.4375)
    let p2 = p1 * 0.96875 - 0.125 * mhat / (vhat.squareRoot() + epsilon)
    XCTAssertEqual(second.parameter[0], p2, accuracy: 1e-15, "AdamW step 2 parameter")
    XCTAssertEqual(second.firstMoment, [0.625], "AdamW step 2 first moment")
    XCTAssertEqual(second.secondMoment, [0.296875], "AdamW step 2 second moment")
  }

  /// Adam with coupled weight decay, same settings, gradient scale 1/2 (as clipping sets it).
  /// Step 1: g = 0.5 * 0.5 + 0.25 * 1 = 0.5; m = 0.25; v = 0.0625; mhat = 0.5; vhat = 0.25;
  /// p = 1 - 0.125 * 0.5 / (0.5 + eps).
  /// Step 2 with gradient -1: g = -0.5 + 0.25 * p1; m = 0.125 + 0.5 g; v = 0.046875 + 0.25 g^2;
  /// p = p1 - 0.125 * (m / 0.75) / (sqrt(v / 0.4375) + eps).
  func testAdamTwoStepsWithScale() {
    let first = ReferenceOps.adamUpdate(
      parameter: [1.0], gradient: [0.5], firstMoment: [0], secondMoment: [0],
      hyperparameters: hyperparameters(step: 1, weightDecay: 0.25, decoupled: false),
      gradientScale: 0.5)
    let p1 = 1 - 0.125 * 0.5 / (0.5 + epsilon)
    XCTAssertEqual(first.parameter[0], p1, accuracy: 1e-15, "Adam step 1 parameter")
    XCTAssertEqual(first.firstMoment, [0.25], "Adam step 1 first moment")
    XCTAssertEqual(first.secondMoment, [0.0625], "Adam step 1 second moment")

    let second = ReferenceOps.adamUpdate(
      parameter: first.parameter, gradient: [-1], firstMoment: first.firstMoment,
      secondMoment: first.secondMoment,
      hyperparameters: hyperparameters(step: 2, weightDecay: 0.25, decoupled: false),
      gradientScale: 0.5)
    let g = -0.5 + 0.25 * p1
    let (m, v) = (0.125 + 0.5 * g, 0.046875 + 0.25 * g * g)
    let p2 = p1 - 0.125 * (m / 0.75) / ((v / 0.4375).squareRoot() + epsilon)
    XCTAssertEqual(second.parameter[0], p2, accuracy: 1e-15, "Adam step 2 parameter")
    XCTAssertEqual(second.firstMoment[0], m, accuracy: 1e-15, "Adam step 2 first moment")
    XCTAssertEqual(second.secondMoment[0], v, accuracy: 1e-15, "Adam step 2 second moment")
  }

  /// With PyTorch's defaults (betas 0.9 and 0.999, eps 1e-8) and no weight decay, the first step
  /// moves each parameter by `lr * g / (|g| + eps)`, because mhat = g and vhat = g^2. The
  /// expected values widen the `Float` defaults to `Double` exactly as the op does.
  func testAdamFirstStepDefaults() {
    let settings = AdamHyperparameters(learningRate: 1e-3, step: 1)
    let gradient: [Double] = [0.3, -2, 1e-9]
    let result = ReferenceOps.adamUpdate(
      parameter: [1, 1, 1], gradient: gradient, firstMoment: [0, 0, 0],
      secondMoment: [0, 0, 0], hyperparameters: settings, gradientScale: 1)
    let (learningRate, epsilon) = (Double(settings.learningRate), Double(settings.epsilon))
    for i in gradient.indices {
      let expected = 1 - learningRate * gradient[i] / (abs(gradient[i]) + epsilon)
      XCTAssertEqual(result.parameter[i], expected, accuracy: 1e-15, "Adam step 1 element \(i)")
    }
  }

  /// SGD, lr 1/8, momentum 1/2, wd 1/4, p = 1, gradients 0.5 then -0.25.
  /// Step 1: g = 0.5 + 0.25 = 0.75; v = 0 + 0.75; p = 1 - 0.125 * 0.75 = 0.90625.
  /// Step 2: g = -0.25 + 0.25 * 0.90625 = -0.0234375; v = 0.375 - 0.0234375 = 0.3515625;
  /// p = 0.90625 - 0.125 * 0.3515625 = 0.8623046875.
  func testSgdTwoSteps() {
    let first = ReferenceOps.sgdUpdate(
      parameter: [1.0], gradient: [0.5], velocity: [0], learningRate: 0.125, momentum: 0.5,
      weightDecay: 0.25, gradientScale: 1)
    XCTAssertEqual(first.parameter, [0.90625], "SGD step 1 parameter")
    XCTAssertEqual(first.velocity, [0.75], "SGD step 1 velocity")
    let second = ReferenceOps.sgdUpdate(
      parameter: first.parameter, gradient: [-0.25], velocity: first.velocity,
      learningRate: 0.125, momentum: 0.5, weightDecay: 0.25, gradientScale: 1)
    XCTAssertEqual(second.parameter, [0.8623046875], "SGD step 2 parameter")
    XCTAssertEqual(second.velocity, [0.3515625], "SGD step 2 velocity")
  }

  /// Momentum 0 is plain SGD, and the gradient scale applies before weight decay:
  /// g = 0.5 * 0.25 + 0.5 * 2 = 1.125, p = 2 - 0.25 * 1.125 = 1.71875.
  func testSgdWithoutMomentum() {
    let result = ReferenceOps.sgdUpdate(
      parameter: [2.0], gradient: [0.5], velocity: [7], learningRate: 0.25, momentum: 0,
      weightDecay: 0.5, gradientScale: 0.25)
    XCTAssertEqual(result.parameter, [1.71875], "SGD momentum 0 parameter")
    XCTAssertEqual(result.velocity, [1.125], "SGD momentum 0 velocity")
  }

  /// 3^2 + 4^2 + 12^2 = 169, norm 13: max norm 6.5 gives 6.5 / (13 + 1e-6), max norm 20 gives 1.
  func testGradientNormAndClippingScale() {
    let normSquared = ReferenceOps.gradientNormSquared([[3.0, 4], [12]])
    XCTAssertEqual(normSquared, 169, "gradient norm squared")
    let scale = ReferenceOps.clippingScale(normSquared: normSquared, maxNorm: 6.5)
    XCTAssertEqual(scale, 6.5 / (13 + 1e-6), accuracy: 1e-16, "clipping scale below 1")
    XCTAssertEqual(
      ReferenceOps.clippingScale(normSquared: normSquared, maxNorm: 20), 1, "clipping scale of 1")
    XCTAssertTrue(
      ReferenceOps.clippingScale(normSquared: .nan, maxNorm: 1).isNaN, "clipping scale of NaN")
  }
}
