extension ReferenceBackend {
  public func embeddingForward(tokens: Tensor, table: Tensor, output: Tensor) throws {
    throw ShapeError(op: "embeddingForward", "not implemented")
  }

  public func embeddingBackward(index: EmbeddingGradientIndex, outputGradient: Tensor, tableGradient: Tensor, mode: GradientMode) throws {
    throw ShapeError(op: "embeddingBackward", "not implemented")
  }

  public func makeEmbeddingGradientIndex(tokens: [Int32], batch: Int, length: Int) throws -> EmbeddingGradientIndex {
    throw ShapeError(op: "makeEmbeddingGradientIndex", "not implemented")
  }

  public func maxPoolForward(input: Tensor, output: Tensor, argmax: Tensor) throws {
    throw ShapeError(op: "maxPoolForward", "not implemented")
  }

  public func maxPoolBackward(outputGradient: Tensor, argmax: Tensor, inputGradient: Tensor, mode: GradientMode) throws {
    throw ShapeError(op: "maxPoolBackward", "not implemented")
  }

  public func meanPoolForward(input: Tensor, output: Tensor) throws {
    throw ShapeError(op: "meanPoolForward", "not implemented")
  }

  public func meanPoolBackward(outputGradient: Tensor, inputGradient: Tensor, mode: GradientMode) throws {
    throw ShapeError(op: "meanPoolBackward", "not implemented")
  }
}
