extension ParityTable {
  /// Returns the projection shapes (K = 1, no padding). They cover stride 1, 2 and 3 on odd and
  /// even lengths, length 1, channel counts 1, 3, 17 and 256, batch 1 and 64, with and without
  /// bias and ReLU. The blocked kernels read the first row in place, and the batch-64 rows split
  /// dw into chunks.
  static func projectionShapes(quick: Bool) -> [Conv1dParityShape] {
    typealias Shape = Conv1dParityShape
    let quickShapes = [
      Shape(2, 17, 256, 16, kernel: 1),
      Shape(3, 6, 7, 17, kernel: 1, stride: 2, activation: .relu),
    ]
    guard !quick else { return quickShapes }
    return quickShapes + [
      Shape(64, 3, 5, 33, kernel: 1, activation: .relu),
      Shape(1, 4, 3, 1, kernel: 1, hasBias: false),
      Shape(1, 4, 3, 1, kernel: 1, stride: 2),
      Shape(2, 256, 17, 16, kernel: 1, stride: 2, hasBias: false, activation: .relu),
      Shape(1, 1, 1, 10, kernel: 1, stride: 3),
      Shape(64, 17, 3, 40, kernel: 1, stride: 2, hasBias: false),
    ]
  }

  static func projectionCases(quick: Bool) -> [ParityCase] {
    parityCases(.projection, shapes: projectionShapes(quick: quick))
  }
}
