import XCTest

@testable import SkipConv

extension ReferenceBackendTests {
  func testEmbeddingMatchesDoubleOps() throws {
    let (batch, length, vocabulary, width) = (3, 4, 7, 5)
    let ids: [Int32] = [1, 6, 0, 2, 6, 6, 3, 0, 0, 5, 1, 4]
    let tokens = try integers([batch, length], values: ids)
    let table = try tensor([vocabulary, width])
    let y = try output([batch, width, length])
    try backend.embeddingForward(tokens: tokens, table: table, output: y)
    let expected = ReferenceOps.embeddingForward(
      tokens: ids, table: try doubles(values(table)), length: length, width: width)
    assertClose(try values(y), expected, "embeddingForward y [\(batch), \(width), \(length)]")

    let index = try backend.makeEmbeddingGradientIndex(tokens: ids, batch: batch, length: length)
    XCTAssertEqual(try backend.download(index.uniqueTokens), index.hostUniqueTokens, "index ids")
    XCTAssertEqual(try backend.download(index.offsets), index.hostOffsets, "index offsets")
    XCTAssertEqual(try backend.download(index.positions), index.hostPositions, "index positions")
    let dy = try tensor([batch, width, length])
    let dtable = try output([vocabulary, width])
    try backend.embeddingBackward(
      index: index, outputGradient: dy, tableGradient: dtable, mode: .overwrite)
    let expectedGradient = ReferenceOps.embeddingBackward(
      uniqueTokens: index.hostUniqueTokens, offsets: index.hostOffsets,
      positions: index.hostPositions, outputGradient: try doubles(values(dy)), length: length,
      vocabulary: vocabulary, width: width)
    assertClose(try values(dtable), expectedGradient, "embeddingBackward dtable")
  }

  /// Accumulate adds to the rows of ids in the batch and leaves every other row, padding row 0
  /// included, as it was.
  func testEmbeddingAccumulateLeavesOtherRows() throws {
    let ids: [Int32] = [2, 0, 2, 4]
    let index = try backend.makeEmbeddingGradientIndex(tokens: ids, batch: 2, length: 2)
    let dy = try tensor([2, 3, 2])
    let dtable = try tensor([5, 3], in: 0.5..<1.5)
    let before = try values(dtable)
    try backend.embeddingBackward(
      index: index, outputGradient: dy, tableGradient: dtable, mode: .accumulate)
    let after = try values(dtable)
    for row in [0, 1, 3] {
      XCTAssertEqual(
        Array(after[row * 3..<row * 3 + 3]), Array(before[row * 3..<row * 3 + 3]),
        "embeddingBackward accumulate row \(row) absent from the batch")
    }
    XCTAssertNotEqual(Array(after[6..<9]), Array(before[6..<9]), "row 2 gets a gradient")
  }

  func testEmbeddingAndPoolingGradientModes() throws {
    let ids: [Int32] = [3, 0, 1, 3, 3, 2]
    let index = try backend.makeEmbeddingGradientIndex(tokens: ids, batch: 2, length: 3)
    let dy = try tensor([2, 4, 3])
    try assertModes("embeddingBackward", gradients: [("dtable", [5, 4])]) { grads, mode in
      try backend.embeddingBackward(
        index: index, outputGradient: dy, tableGradient: grads[0], mode: mode)
    }
    let x = try tensor([2, 3, 5])
    let (y, argmax) = try (output([2, 3]), backend.makeTensor([2, 3], .int32))
    try backend.maxPoolForward(input: x, lengths: nil, output: y, argmax: argmax)
    let pooledGradient = try tensor([2, 3])
    try assertModes("maxPoolBackward", gradients: [("dx", [2, 3, 5])]) { grads, mode in
      try backend.maxPoolBackward(
        outputGradient: pooledGradient, argmax: argmax, inputGradient: grads[0], mode: mode)
    }
    let lengths = try integers([2], values: [3, 9])
    try assertModes("meanPoolBackward", gradients: [("dx", [2, 3, 5])]) { grads, mode in
      try backend.meanPoolBackward(
        outputGradient: pooledGradient, lengths: lengths, inputGradient: grads[0], mode: mode)
    }
  }

  func testPoolingMatchesDoubleOps() throws {
    let x = try tensor([3, 4, 6])
    let (y, mean) = try (output([3, 4]), output([3, 4]))
    let argmax = try backend.makeTensor([3, 4], .int32)
    let x64 = try doubles(values(x))
    for hostLengths in [nil, [Int32]([2, 6, 0])] {
      let lengths = try hostLengths.map { try integers([3], values: $0) }
      let label = hostLengths.map { "lengths \($0)" } ?? "no lengths"
      try backend.maxPoolForward(input: x, lengths: lengths, output: y, argmax: argmax)
      try backend.meanPoolForward(input: x, lengths: lengths, output: mean)
      let expected = ReferenceOps.maxPoolForward(input: x64, length: 6, lengths: hostLengths)
      assertClose(try values(y), expected.y, "maxPoolForward y [3, 4], \(label)")
      XCTAssertEqual(
        try backend.download(argmax), expected.argmax, "maxPoolForward argmax [3, 4], \(label)")
      let expectedMean = ReferenceOps.meanPoolForward(input: x64, length: 6, lengths: hostLengths)
      assertClose(try values(mean), expectedMean, "meanPoolForward y [3, 4], \(label)")
    }
  }

  func testEmbeddingAndPoolingShapeErrors() throws {
    let tokens = try integers([2, 3], values: [1, 2, 9, 0, 0, 1])
    let table = try tensor([5, 4])
    assertShapeError("embeddingForward", naming: "token id 9 at row 0, column 2") {
      try backend.embeddingForward(tokens: tokens, table: table, output: try output([2, 4, 3]))
    }
    assertShapeError("embeddingForward", naming: "output") {
      try backend.embeddingForward(tokens: tokens, table: table, output: try output([2, 3, 4]))
    }
    assertShapeError("makeEmbeddingGradientIndex", naming: "token id -1") {
      _ = try backend.makeEmbeddingGradientIndex(tokens: [1, -1], batch: 1, length: 2)
    }
    let index = try backend.makeEmbeddingGradientIndex(
      tokens: [1, 2, 9, 0, 0, 1], batch: 2, length: 3)
    assertShapeError("embeddingBackward", naming: "token id 9") {
      try backend.embeddingBackward(
        index: index, outputGradient: try tensor([2, 4, 3]), tableGradient: try output([5, 4]),
        mode: .overwrite)
    }
    assertShapeError("embeddingBackward", naming: "output gradient") {
      try backend.embeddingBackward(
        index: index, outputGradient: try tensor([2, 3, 4]), tableGradient: try output([10, 4]),
        mode: .overwrite)
    }
    let x = try tensor([2, 3, 4])
    assertShapeError("maxPoolForward", naming: "argmax") {
      try backend.maxPoolForward(
        input: x, lengths: nil, output: try output([2, 3]), argmax: try output([2, 3]))
    }
    assertShapeError("maxPoolForward", naming: "lengths") {
      try backend.maxPoolForward(
        input: x, lengths: try integers([3], values: [1, 2, 3]), output: try output([2, 3]),
        argmax: try backend.makeTensor([2, 3], .int32))
    }
    assertShapeError("meanPoolForward", naming: "lengths") {
      try backend.meanPoolForward(input: x, lengths: try tensor([2]), output: try output([2, 3]))
    }
    assertShapeError("sequenceMask", naming: "lengths") {
      try backend.sequenceMask(x, lengths: try integers([1], values: [2]))
    }
    assertShapeError("sequenceMask", naming: "tensor") {
      try backend.sequenceMask(try tensor([2, 12]), lengths: try integers([2], values: [2, 2]))
    }
    let argmax = try integers([2, 3], values: [0, 1, 4, 2, 3, 0])
    assertShapeError("maxPoolBackward", naming: "argmax 4 in row 2") {
      try backend.maxPoolBackward(
        outputGradient: try tensor([2, 3]), argmax: argmax, inputGradient: try output([2, 3, 4]),
        mode: .overwrite)
    }
    assertShapeError("meanPoolBackward", naming: "output gradient") {
      try backend.meanPoolBackward(
        outputGradient: try tensor([3, 2]), lengths: nil, inputGradient: try output([2, 3, 4]),
        mode: .overwrite)
    }
    assertShapeError("meanPoolForward", naming: "input") {
      try backend.meanPoolForward(
        input: try tensor([2, 3, 0]), lengths: nil, output: try output([2, 3]))
    }
  }
}
