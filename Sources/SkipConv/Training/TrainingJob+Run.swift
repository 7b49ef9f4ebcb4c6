import Foundation

/// Runs a training job end to end: read and encode the data, build or restore the model, train,
/// checkpoint, and evaluate the best checkpoint on the test split.
public final class TrainingJob {
  public let options: TrainingJobOptions
  public let backend: Backend
  public weak var observer: TrainingObserver?
  /// Called once the data is read, with the counts of each file; for the CLI's summary.
  public var onDataLoaded: ((DatasetSplits, Vocabulary, LabelSet) -> Void)?

  public init(options: TrainingJobOptions, backend: Backend) {
    self.options = options
    self.backend = backend
  }

  private var output: URL { options.outputDirectory }
  private func path(_ name: String) -> URL { output.appendingPathComponent(name) }

  /// Trains until the last epoch or until `shouldStop` returns true (checked before each step).
  /// A run that fails removes the output folder when it created the folder and wrote nothing
  /// into it.
  ///
  /// - Throws: `ExistingRunError` when a new run, without `overwrite`, would replace the
  ///   checkpoints of an earlier one.
  public func run(shouldStop: @escaping () -> Bool) throws -> TrainingReport {
    let createdFolder = TrainingOutput.outermostMissingFolder(output)
    do {
      return try runLocked(shouldStop: shouldStop)
    } catch {
      if let createdFolder {
        TrainingOutput.removeEmptyFolders(from: output, upTo: createdFolder)
      }
      throw error
    }
  }

  private func runLocked(shouldStop: @escaping () -> Bool) throws -> TrainingReport {
    let lock = try OutputFolderLock.acquire(output)
    defer { lock.release() }
    try TrainingOutput.checkFolder(options)
    _ = try? AtomicFile.removeAbandonedTemporaryFiles(in: output)
    let started = Date()

    // Restore what a resumed run must keep: vocabulary, labels, weights, optimizer, position.
    let resumed = options.resume ? try ModelCheckpoint.read(path(TrainingOutput.lastCheckpoint)) : nil
    if let resumed {
      try checkCompatible(resumed.metadata)
    }

    // Read, label and encode the data.
    let data = try prepareData(resumed: resumed?.metadata)
    onDataLoaded?(data.splits, data.encoder.vocabulary, data.labels)

    // Build or restore the model and the optimizer.
    let model = try resumed.map {
      try ModelCheckpoint.loadModel($0.file, metadata: $0.metadata, backend: backend)
    } ?? TextClassifier(
      configuration: options.configuration, vocabularySize: data.encoder.vocabulary.count,
      classCount: data.labels.count, backend: backend, seed: options.settings.seed)
    let optimizer = try Optimizer(
      parameters: model.parameters, settings: options.settings.optimizer, backend: backend)
    if let resumed {
      try ModelCheckpoint.restoreOptimizer(optimizer, from: resumed.file, backend: backend)
    }
    let step = TrainingStep(model: model, optimizer: optimizer, backend: backend)
    if options.overwrite {
      try TrainingOutput.removeRun(in: output)
    }

    // Train.
    let metadata = CheckpointMetadata(
      configuration: options.configuration, tokenizer: data.encoder.tokenizer,
      vocabulary: data.encoder.vocabulary, labels: data.labels, training: options.settings,
      data: DataSelection(options))
    let trainer = try makeTrainer(step: step, data: data, metadata: metadata)
    trainer.bestValidationAccuracy = resumed?.metadata.bestValidationAccuracy
    trainer.lastCheckpoint = resumed.map { _ in path(TrainingOutput.lastCheckpoint).path }
    let metricsLog = try MetricsLog(url: path(TrainingOutput.metrics), append: options.resume)
    let relay = ObserverRelay(forwardingTo: observer, log: metricsLog)
    trainer.observer = relay
    let position = try trainer.run(
      from: resumed?.metadata.position ?? TrainingPosition(), shouldStop: shouldStop)
    if let error = relay.error {
      throw error
    }

    // Evaluate the best checkpoint on the test split.
    let interrupted = position.epoch < options.settings.epochs
    var report = TrainingReport(
      device: backend.name, trainExamples: data.train.count,
      validationExamples: data.validation.count, testExamples: data.test?.count,
      vocabularySize: data.encoder.vocabulary.count, classes: data.labels.labels,
      parameters: model.parameterCount, epochsCompleted: position.epoch,
      steps: position.globalStep, trainingSeconds: Date().timeIntervalSince(started),
      bestValidationAccuracy: trainer.bestValidationAccuracy, testAccuracy: nil, testLoss: nil,
      interrupted: interrupted, lastCheckpoint: path(TrainingOutput.lastCheckpoint).path,
      bestCheckpoint: nil)
    let best = path(TrainingOutput.bestCheckpoint)
    if FileManager.default.fileExists(atPath: best.path) {
      report.bestCheckpoint = best.path
      if let test = data.test, !interrupted {
        let (file, bestMetadata) = try ModelCheckpoint.read(best)
        let bestModel = try ModelCheckpoint.loadModel(file, metadata: bestMetadata, backend: backend)
        let evaluation = try evaluate(
          test, step: TrainingStep(model: bestModel, optimizer: nil, backend: backend),
          batchSize: options.settings.batchSize)
        report.testAccuracy = evaluation.accuracy
        report.testLoss = evaluation.loss
      }
    }
    try AtomicFile.write(Array(try metadataJSON(report).utf8), to: path(TrainingOutput.report))
    return report
  }

  private func makeTrainer(step: TrainingStep, data: PreparedData, metadata: CheckpointMetadata)
    throws -> Trainer
  {
    let settings = options.settings
    let schedule = try BatchSchedule(
      lengths: data.train.lengths, batchSize: settings.batchSize, seed: settings.seed,
      bucketSize: settings.bucketByLength ? settings.batchSize * 50 : nil)
    let trainingData = TrainingData(
      train: data.train, validation: data.validation,
      batchOrder: { schedule.batches(epoch: $0) })
    let trainer = Trainer(step: step, settings: settings, data: trainingData) { _, _ in "" }
    trainer.saveCheckpoint = { [unowned trainer, backend] position, reason in
      var contents = metadata
      contents.position = position
      contents.bestValidationAccuracy = trainer.bestValidationAccuracy
      let name = reason == "best" ? TrainingOutput.bestCheckpoint : TrainingOutput.lastCheckpoint
      let url = self.path(name)
      try ModelCheckpoint.save(
        model: step.model, optimizer: reason == "best" ? nil : step.optimizer,
        metadata: contents, backend: backend, to: url)
      return url.path
    }
    return trainer
  }
}
