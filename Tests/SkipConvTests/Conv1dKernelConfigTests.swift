import XCTest

@testable import SkipConv

/// Checks that every kernel config the validator accepts computes the same conv1d and projection
/// as the reference, so a tuner may pick any of them, and that invalid configs are rejected.
final class Conv1dKernelConfigTests: XCTestCase {
  /// Configs far from the defaults: blocks of one channel or vector, blocks wider than the
  /// channel counts, tiny and uneven dw chunks, and tiles with one or many outputs per work-item.
  private static let configs: [(String, Conv1dKernelConfig)] = {
    var blockedSmall = Conv1dKernelConfig(family: .blocked)
    (blockedSmall.blockChannels, blockedSmall.blockVectors) = (1, 1)
    (blockedSmall.weightBlockChannels, blockedSmall.weightBlockTaps) = (1, 1)
    (blockedSmall.blockGroupSize, blockedSmall.weightChunkPositions) = (1, 1)
    var blockedWide = Conv1dKernelConfig(family: .blocked)
    (blockedWide.blockChannels, blockedWide.blockVectors) = (8, 1)
    (blockedWide.weightBlockChannels, blockedWide.weightBlockTaps) = (6, 2)
    (blockedWide.blockGroupSize, blockedWide.weightChunkPositions) = (7, 50)
    var blockedTall = Conv1dKernelConfig(family: .blocked)
    (blockedTall.blockChannels, blockedTall.blockVectors) = (4, 3)
    (blockedTall.weightBlockChannels, blockedTall.weightBlockTaps) = (2, 5)
    var tiledSmall = Conv1dKernelConfig(family: .tiled)
    (tiledSmall.tileM, tiledSmall.tileN, tiledSmall.tileK) = (8, 8, 8)
    (tiledSmall.workM, tiledSmall.workN, tiledSmall.weightChunkPositions) = (1, 1, 7)
    var tiledUneven = Conv1dKernelConfig(family: .tiled)
    (tiledUneven.tileM, tiledUneven.tileN, tiledUneven.tileK) = (32, 16, 8)
    (tiledUneven.workM, tiledUneven.workN, tiledUneven.weightChunkPositions) = (8, 2, 100)
    return [
      ("blocked 1x1", blockedSmall), ("blocked 8x1", blockedWide), ("blocked 4x3", blockedTall),
      ("tiled 8x8x8", tiledSmall), ("tiled 32x16x8", tiledUneven),
    ]
  }()

  private func checkCases(_ cases: [ParityCase], file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    let device = try requireOpenCL()
    let suite = ParitySuite()
    for (index, parityCase) in cases.enumerated() {
      let result = suite.run(parityCase, index: index, device: device)
      let label = "\(parityCase.op) \(parityCase.pass) \(parityCase.shape)"
      if let error = result.error {
        XCTFail("\(label): \(error)", file: file, line: line)
      }
      for check in result.checks where !check.passes(tolerance: suite.tolerance) {
        XCTFail("\(label) \(check.output): \(check.metrics)", file: file, line: line)
      }
    }
  }

  func testConv1dMatchesReferenceForEveryConfig() throws {
    let shapes = [
      Conv1dParityShape(2, 3, 4, 3, kernel: 7, padding: .same, activation: .relu),
      Conv1dParityShape(3, 7, 9, 17, kernel: 3, stride: 2, padding: .explicit(left: 1, right: 1)),
      Conv1dParityShape(2, 5, 3, 23, kernel: 3, stride: 3, dilation: 2, padding: .causal),
      Conv1dParityShape(9, 17, 13, 40, kernel: 4, padding: .same, hasBias: false),
      Conv1dParityShape(2, 3, 5, 50, kernel: 9, dilation: 3, padding: .same),
      Conv1dParityShape(2, 4, 3, 10, kernel: 3, padding: .explicit(left: 20, right: 0)),
    ]
    for (name, config) in Self.configs {
      var variants = KernelVariants(deviceClass: .cpu)
      variants.conv1d = config
      try checkCases(
        ParityTable.parityCases(.conv1d, shapes: shapes, variants: variants, label: name))
    }
  }

  func testProjectionMatchesReferenceForEveryConfig() throws {
    let shapes = [
      Conv1dParityShape(3, 17, 5, 33, kernel: 1),
      Conv1dParityShape(9, 6, 19, 17, kernel: 1, stride: 2, activation: .relu),
    ]
    for (name, config) in Self.configs {
      var variants = KernelVariants(deviceClass: .cpu)
      variants.projection = config
      try checkCases(
        ParityTable.parityCases(.projection, shapes: shapes, variants: variants, label: name))
    }
  }

  func testValidationRejectsZeroSize() {
    var config = Conv1dKernelConfig(family: .blocked)
    config.blockVectors = 0
    XCTAssertThrowsError(try config.validate()) { error in
      XCTAssertTrue("\(error)".contains("blockVectors must be at least 1"), "\(error)")
    }
  }

  func testValidationRejectsUnevenTiles() {
    var config = Conv1dKernelConfig(family: .tiled)
    config.workM = 3
    XCTAssertThrowsError(try config.validate()) { error in
      XCTAssertTrue("\(error)".contains("must be multiples of workM"), "\(error)")
    }
    config.workM = 4
    config.tileK = 1
    XCTAssertThrowsError(try config.validate()) { error in
      XCTAssertTrue("\(error)".contains("must split evenly"), "\(error)")
    }
  }

  func testDefaultsPickFamilyByDeviceClass() throws {
    XCTAssertEqual(KernelVariants(deviceClass: .cpu).conv1d.family, .blocked)
    XCTAssertEqual(KernelVariants(deviceClass: .gpu).conv1d.family, .tiled)
    XCTAssertEqual(KernelVariants(deviceClass: .cpu).projection.family, .blocked)
    XCTAssertEqual(KernelVariants(deviceClass: .gpu).projection.family, .tiled)
    XCTAssertNoThrow(try KernelVariants(deviceClass: .cpu).conv1d.validate())
    XCTAssertNoThrow(try KernelVariants(deviceClass: .gpu).conv1d.validate())
  }

  func testInvalidConfigFailsBeforeLaunch() throws {
    let base = try requireOpenCL()
    var variants = KernelVariants(deviceClass: .gpu)
    variants.conv1d.tileN = 30
    let backend = OpenCLBackend(context: base.context, variants: variants)
    let g = try Conv1dGeometry(
      batch: 1, inputChannels: 2, outputChannels: 2, inputLength: 4, kernelSize: 3)
    let x = try backend.makeTensor(g.inputShape, .float32)
    let w = try backend.makeTensor(g.weightShape, .float32)
    let y = try backend.makeTensor(g.outputShape, .float32)
    XCTAssertThrowsError(
      try backend.conv1dForward(
        input: x, weight: w, bias: nil, output: y, geometry: g, activation: .none)
    ) { error in
      XCTAssertEqual(
        error as? OpenCLError,
        .invalidArgument(
          "conv1d kernel config: tileM 64 and tileN 30 must be multiples of workM 4 and workN 4"))
    }
  }
}
