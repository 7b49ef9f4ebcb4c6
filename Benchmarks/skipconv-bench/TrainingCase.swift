import SkipConv

/// The sizes of the training-step row: the default model on a typical word-level batch.
struct TrainingShape: Codable {
  var batch = 64
  var length = 32
  var vocabulary = 16_384
  var classes = 2
}

/// The result of the training-step row.
struct TrainingResult: Codable {
  var shape: TrainingShape
  var configuration: ModelConfiguration
  var parameters: Int
  var opencl: Measurement
  var samplesPerSecond: Double
  /// The largest number of bytes held in device buffers during the measured steps.
  var peakDeviceBytes: Int
}

/// Times full training steps (upload, forward, loss, backward, AdamW update, loss read-back) of
/// the default model on random tokens that fill every row, so the batch has no padding.
func measureTrainingStep(_ backend: OpenCLBackend, shape: TrainingShape, runs: Int) throws
  -> TrainingResult
{
  let configuration = ModelConfiguration()
  let model = try TextClassifier(
    configuration: configuration, vocabularySize: shape.vocabulary, classCount: shape.classes,
    backend: backend, seed: 1)
  let optimizer = try Optimizer(
    parameters: model.parameters, settings: OptimizerSettings(), backend: backend)
  let step = TrainingStep(model: model, optimizer: optimizer, backend: backend)
  var random = SeededGenerator(seed: 5)
  let batches = (0..<4).map { _ in
    let tokens = (0..<shape.batch * shape.length).map { _ in
      Int32(2 + random.next() % UInt64(shape.vocabulary - 2))
    }
    return TokenBatch(
      tokens: tokens,
      labels: (0..<shape.batch).map { _ in Int32(random.next() % UInt64(shape.classes)) },
      lengths: Batch.rowLengths(tokens: tokens, length: shape.length), batchSize: shape.batch,
      length: shape.length)
  }
  var counter = 0
  backend.context.buffers.resetPeak()
  let measurement = try measure(backend: backend, runs: runs, warmup: 2) {
    let batch = batches[counter % batches.count]
    counter += 1
    let uploaded = try step.upload(batch, forTraining: true)
    try step.train(uploaded, learningRate: 1e-3, dropoutSeed: UInt32(counter))
    _ = try step.outcome(labels: batch.labels)
  }
  return TrainingResult(
    shape: shape, configuration: configuration, parameters: model.parameterCount,
    opencl: measurement, samplesPerSecond: Double(shape.batch) / measurement.wallSeconds,
    peakDeviceBytes: backend.context.buffers.peakBytes)
}
