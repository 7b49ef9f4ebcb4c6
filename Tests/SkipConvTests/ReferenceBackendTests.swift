import XCTest

@testable import SkipConv

/// Checks the `ReferenceBackend` adapters: gradient modes, shape errors, and that the `Float`
/// backend returns what `ReferenceOps` computes in `Double`.
final class ReferenceBackendTests: XCTestCase {
  let backend = ReferenceBackend()
  var random = SeededGenerator(seed: 0x5EED_0002)

  // MARK: Helpers

  /// A float tensor of uniform random values in `range`.
  func tensor(_ shape: [Int], in range: Range<Float> = -1..<1) throws -> Tensor {
    try tensor(shape, values: random.uniform(shape.reduce(1, *), in: range))
  }

  func tensor(_ shape: [Int], values: [Float]) throws -> Tensor {
    let tensor = try backend.makeTensor(shape, .float32)
    try backend.upload(values, to: tensor)
    return tensor
  }

  func integers(_ shape: [Int], values: [Int32]) throws -> Tensor {
    let tensor = try backend.makeTensor(shape, .int32)
    try backend.upload(values, to: tensor)
    return tensor
  }

  func doubles(_ values: [Float]) -> [Double] {
    values.map(Double.init)
  }

  /// A float tensor filled with NaN, so that an element an op does not write stays NaN.
  func output(_ shape: [Int]) throws -> Tensor {
    let tensor = try backend.makeTensor(shape, .float32)
    try backend.fill(tensor, with: .nan)
    return tensor
  }

  func values(_ tensor: Tensor) throws -> [Float] {
    try backend.download(tensor)
  }

  /// Runs `backward` once overwriting NaN-filled gradients and once accumulating onto random
  /// non-zero buffers, and asserts that every overwritten value is finite and that each
  /// accumulated value equals the overwritten one plus its buffer.
  func assertModes(
    _ op: String, gradients: [(name: String, shape: [Int])],
    file: StaticString = #filePath, line: UInt = #line,
    _ backward: ([Tensor], GradientMode) throws -> Void
  ) throws {
    let overwritten = try gradients.map { try output($0.shape) }
    try backward(overwritten, .overwrite)
    let buffers = try gradients.map { try tensor($0.shape, in: 0.5..<1.5) }
    let initial = try buffers.map(values)
    try backward(buffers, .accumulate)
    for (index, gradient) in gradients.enumerated() {
      let context = "\(op) \(gradient.name) \(gradient.shape)"
      let fresh = try values(overwritten[index])
      let accumulated = try values(buffers[index])
      XCTAssertFalse(
        fresh.contains { !$0.isFinite }, "\(context): overwrite left a non-finite value",
        file: file, line: line)
      for i in fresh.indices {
        let expected = initial[index][i] + fresh[i]
        XCTAssertEqual(
          accumulated[i], expected, accuracy: 1e-6 * max(1, abs(expected)),
          "\(context): accumulate at \(i) differs from overwrite + buffer", file: file,
          line: line)
      }
    }
  }

  /// Asserts that `body` throws a `ShapeError` from `op` whose message names `tensor`.
  func assertShapeError(
    _ op: String, naming tensor: String, file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> Void
  ) {
    XCTAssertThrowsError(try body(), "\(op): no error for a bad \(tensor)", file: file, line: line)
    { error in
      guard let shapeError = error as? ShapeError else {
        XCTFail("\(op): expected ShapeError, got \(error)", file: file, line: line)
        return
      }
      XCTAssertEqual(shapeError.op, op, "\(op): error names the op", file: file, line: line)
      XCTAssertTrue(
        shapeError.message.contains(tensor),
        "\(op): message '\(shapeError.message)' does not name \(tensor)", file: file, line: line)
    }
  }

  /// Asserts that `result` matches `expected` (computed in `Double`) within fp32 rounding.
  func assertClose(
    _ result: [Float], _ expected: [Double], _ context: @autoclosure () -> String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(result.count, expected.count, "\(context()): length", file: file, line: line)
    guard result.count == expected.count else { return }
    let error = relativeL2Error(result.map(Double.init), expected)
    XCTAssertLessThan(error, 1e-6, "\(context()): relative L2 error", file: file, line: line)
  }
}
