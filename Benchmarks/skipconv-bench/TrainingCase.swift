import Foundation
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

/// Makes the default model with its AdamW optimizer, and four batches of random tokens that fill
/// every row, so the batches have no padding.
private func makeTrainingStep(_ backend: OpenCLBackend, shape: TrainingShape) throws
  -> (step: TrainingStep, batches: [TokenBatch], parameters: Int)
{
  let model = try TextClassifier(
    configuration: ModelConfiguration(), vocabularySize: shape.vocabulary,
    classCount: shape.classes, backend: backend, seed: 1)
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
  return (step, batches, model.parameterCount)
}

/// Runs one training step (upload, forward, loss, backward, AdamW update, loss read-back).
private func trainOnce(_ step: TrainingStep, _ batch: TokenBatch, seed: UInt32) throws {
  let uploaded = try step.upload(batch, forTraining: true)
  try step.train(uploaded, learningRate: 1e-3, dropoutSeed: seed)
  _ = try step.outcome(labels: batch.labels)
}

/// Times full training steps of the default model.
func measureTrainingStep(_ backend: OpenCLBackend, shape: TrainingShape, runs: Int) throws
  -> TrainingResult
{
  let (step, batches, parameters) = try makeTrainingStep(backend, shape: shape)
  var counter = 0
  backend.context.buffers.resetPeak()
  let measurement = try measure(backend: backend, runs: runs, warmup: 2) {
    let batch = batches[counter % batches.count]
    counter += 1
    try trainOnce(step, batch, seed: UInt32(counter))
  }
  return TrainingResult(
    shape: shape, configuration: ModelConfiguration(), parameters: parameters,
    opencl: measurement, samplesPerSecond: Double(shape.batch) / measurement.wallSeconds,
    peakDeviceBytes: backend.context.buffers.peakBytes)
}

/// Start-up cost: the time from opening a context to the end of the first training step of the
/// default model, first with an empty program binary cache (every program compiled from source),
/// then with the cache that first start filled.
struct StartupResult: Codable {
  var coldSeconds: Double
  var warmSeconds: Double
  /// Seconds inside `clBuildProgram` (compiling, or loading a cached binary).
  var coldBuildSeconds: Double
  var warmBuildSeconds: Double
  var programs: Int
}

func measureStartup(_ backend: OpenCLBackend, shape: TrainingShape) throws -> StartupResult {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("skipconv-bench-programs-\(getpid())")
  defer { try? FileManager.default.removeItem(at: directory) }
  var seconds: [Double] = []
  var statistics: [ProgramBuildStatistics] = []
  for _ in 0..<2 {
    let start = DispatchTime.now().uptimeNanoseconds
    let context = try ComputeContext(
      device: backend.context.device, binaryCache: ProgramBinaryCache(directory: directory))
    let fresh = OpenCLBackend(context: context, variants: backend.variants)
    let (step, batches, _) = try makeTrainingStep(fresh, shape: shape)
    try trainOnce(step, batches[0], seed: 1)
    seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    statistics.append(context.programStatistics)
  }
  return StartupResult(
    coldSeconds: seconds[0], warmSeconds: seconds[1],
    coldBuildSeconds: statistics[0].buildSeconds, warmBuildSeconds: statistics[1].buildSeconds,
    programs: statistics[0].builtFromSource)
}
