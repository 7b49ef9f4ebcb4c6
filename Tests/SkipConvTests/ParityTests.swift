import XCTest

@testable import SkipConv

/// Runs the parity table on the default OpenCL device, one test per op group, so a failure names
/// the op, pass, shape, relative error, max abs error and its index.
final class ParityTests: XCTestCase {
  private func check(_ cases: [ParityCase], file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    let device = try requireOpenCL()
    XCTAssertFalse(cases.isEmpty, "the parity table has no case for this op group", file: file, line: line)
    let suite = ParitySuite()
    for (index, parityCase) in cases.enumerated() {
      let result = suite.run(parityCase, index: index, device: device)
      let label = "\(parityCase.op) \(parityCase.pass) \(parityCase.shape)"
      if let error = result.error {
        XCTFail("\(label): \(error)", file: file, line: line)
      }
      XCTAssertFalse(result.checks.isEmpty, "\(label): no output was checked", file: file, line: line)
      for check in result.checks where !check.passes(tolerance: suite.tolerance) {
        XCTFail("\(label) \(check.output): \(check.metrics)", file: file, line: line)
      }
    }
  }

  func testConv1d() throws { try check(ParityTable.conv1dCases(quick: false)) }
  func testProjection() throws { try check(ParityTable.projectionCases(quick: false)) }
  func testElementwise() throws { try check(ParityTable.elementwiseCases(quick: false)) }
  func testEmbedding() throws { try check(ParityTable.embeddingCases(quick: false)) }
  func testPooling() throws { try check(ParityTable.poolingCases(quick: false)) }
  func testLinear() throws { try check(ParityTable.linearCases(quick: false)) }
  func testLoss() throws { try check(ParityTable.lossCases(quick: false)) }
  func testOptimizer() throws { try check(ParityTable.optimizerCases(quick: false)) }
}
