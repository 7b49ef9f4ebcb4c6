import XCTest

@testable import SkipConv

/// Asserts that `result` matches `reference` within the fp32 parity bound, naming `context` and the
/// worst element on failure.
func assertParity(
  _ result: [Float], _ reference: [Float], _ context: @autoclosure () -> String,
  tolerance: Double = ErrorMetrics.defaultTolerance, file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(result.count, reference.count, "\(context()): element count", file: file, line: line)
  guard result.count == reference.count else { return }
  let metrics = ErrorMetrics(result, reference: reference)
  XCTAssertEqual(metrics.nonFiniteCount, 0, "\(context()): \(metrics)", file: file, line: line)
  XCTAssertLessThan(metrics.relativeL2, tolerance, "\(context()): \(metrics)", file: file, line: line)
}

/// An OpenCL backend on the default device, shared by the tests of one process.
let sharedOpenCLBackend = Result { try OpenCLBackend() }

/// Returns the shared OpenCL backend, or fails the test with the reason no device opened.
func requireOpenCL(file: StaticString = #filePath, line: UInt = #line) throws -> OpenCLBackend {
  switch sharedOpenCLBackend {
  case .success(let backend):
    return backend
  case .failure(let error):
    XCTFail("no OpenCL device: \(error)", file: file, line: line)
    throw error
  }
}
