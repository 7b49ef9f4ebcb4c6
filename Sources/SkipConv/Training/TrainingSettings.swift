/// Training hyperparameters: epochs, batches, learning-rate schedule, optimizer and seed.
public struct TrainingSettings: Codable, Equatable, Sendable {
  public var epochs = 5
  public var batchSize = 64
  /// Seeds the initial weights, the batch order and dropout.
  public var seed: UInt64 = 1
  /// The learning rate at the end of warm-up.
  public var learningRate: Float = 2e-3
  /// Fraction of all steps spent warming up linearly from 0 (a one-cycle schedule's rise).
  public var warmupFraction: Float = 0.3
  public var decay: LearningRateSchedule.Decay = .cosine
  public var optimizer = OptimizerSettings()
  /// Group examples of similar length into batches (within seeded chunks), which cuts padding.
  public var bucketByLength = true
  /// Probability that a training token is replaced by the unknown id (word dropout), which
  /// teaches the model not to lean on single words and on the embedding rows of rare ones.
  public var wordDropout: Float = 0

  public init() {}

  /// Throws a `ConfigurationError` naming the first value out of range.
  public func validate() throws {
    let checks: [(String, Bool, String)] = [
      ("epochs", epochs >= 1, "must be at least 1, got \(epochs)"),
      ("batch size", batchSize >= 1, "must be at least 1, got \(batchSize)"),
      ("learning rate", learningRate > 0 && learningRate.isFinite,
        "must be a positive number, got \(learningRate)"),
      ("warm-up fraction", (0...1).contains(warmupFraction),
        "must be in [0, 1], got \(warmupFraction)"),
      ("word dropout", (0..<1).contains(wordDropout), "must be in [0, 1), got \(wordDropout)"),
      ("weight decay", optimizer.weightDecay >= 0, "must not be negative"),
      ("max gradient norm", optimizer.maxGradientNorm >= 0, "must not be negative (0 is off)"),
    ]
    for (field, valid, message) in checks where !valid {
      throw ConfigurationError(field: field, message: message)
    }
  }

  /// Returns the learning-rate schedule over `stepsPerEpoch * epochs` steps. A resumed run
  /// passes its own `epochs`, so a changed `--epochs` stretches or shortens the schedule.
  ///
  /// Warm-up takes `warmupFraction` of the steps, rounded down, but at least one step when the
  /// fraction is not 0, so that a run of fewer steps than `1 / warmupFraction` still reaches the
  /// peak learning rate instead of starting at the floor.
  public func schedule(stepsPerEpoch: Int) -> LearningRateSchedule {
    let total = stepsPerEpoch * epochs
    var warmupSteps = Int(Float(total) * warmupFraction)
    if warmupFraction > 0 && total > 0 {
      warmupSteps = max(warmupSteps, 1)
    }
    return LearningRateSchedule(
      peak: learningRate, warmupSteps: warmupSteps, totalSteps: total, decay: decay)
  }
}

/// The progress of a run: the epoch (from 0) and the number of its batches already done.
public struct TrainingPosition: Codable, Equatable, Sendable {
  public var epoch: Int
  public var batchInEpoch: Int
  /// Optimizer steps taken so far over all epochs.
  public var globalStep: Int

  public init(epoch: Int = 0, batchInEpoch: Int = 0, globalStep: Int = 0) {
    self.epoch = epoch
    self.batchInEpoch = batchInEpoch
    self.globalStep = globalStep
  }
}

/// Returns the seed of the dropout mask of `step`, derived from the run seed so every step
/// differs.
func dropoutSeed(runSeed: UInt64, step: Int) -> UInt32 {
  lowbias32(UInt32(truncatingIfNeeded: runSeed) ^ lowbias32(UInt32(truncatingIfNeeded: step)))
}
