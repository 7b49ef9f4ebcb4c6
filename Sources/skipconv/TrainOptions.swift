import Foundation
import SkipConv

/// Options that set the model architecture; each overrides the `--config` file's value.
let modelOptions: [OptionSpec] = [
  .value("config", "FILE", help: "Model configuration JSON; the options below override it."),
  .value("block", "TYPE", help: "Block type.", choices: ["residual", "highway"]),
  .value("embedding-dim", "E", help: "Width of the token embedding (default 256)."),
  .value("channels", "C", help: "Channels of the first stage (default 256)."),
  .value("depth", "N", help: "Blocks per stage (default 2)."),
  .value("stages", "N", help: "Stages; each after the first halves the length and doubles the "
    + "channels (default 1)."),
  .value("kernel-size", "K", help: "Convolution width (default 3)."),
  .value("dilation", "D", help: "Convolution dilation (default 1)."),
  .value("pooling", "P", help: "Pooling over time.", choices: ["max", "mean"]),
  .value("dropout", "P", help: "Dropout before the classifier, from 0 to 0.99 (default 0.5)."),
  .value("embedding-dropout", "P",
    help: "Dropout on the embedded tokens, from 0 to 0.99 (default 0.25)."),
  .value("embedding-init-std", "S", help: "Standard deviation of the initial embedding values "
    + "(default 1, as PyTorch)."),
  .value("tokenization", "T", help: "Word or character tokens.", choices: ["word", "character"]),
  .value("max-length", "L", help: "Tokens kept per text (default 64)."),
  .value("min-count", "N", help: "Word vocabulary: minimum training count of a token (default 1)."),
  .value("max-vocabulary", "V", help: "Word vocabulary: maximum size (default 50000)."),
]

/// The configuration file's keys, so that a misspelt key is an error instead of being ignored.
let configurationKeys: Set<String> = [
  "block_type", "embedding_dim", "channels", "depth", "stages", "kernel_size", "dilation",
  "pooling", "dropout", "embedding_dropout", "embedding_init_std", "tokenization", "max_length",
  "min_count", "max_vocabulary",
]

/// Reads `--config` (if any) on top of `base`, then applies the explicit model options.
func modelConfiguration(_ arguments: ParsedArguments, base: ModelConfiguration) throws
  -> ModelConfiguration
{
  var configuration = base
  if let path = arguments.string("config") {
    configuration = try readConfigurationFile(path, command: arguments.command)
  }
  let bounded = 1...1_000_000
  if let value = arguments.string("block") {
    configuration.blockType = ModelConfiguration.BlockType(rawValue: value)!
  }
  if let value = try arguments.int("embedding-dim", in: 1...65_536) {
    configuration.embeddingDimension = value
  }
  if let value = try arguments.int("channels", in: 1...65_536) { configuration.channels = value }
  if let value = try arguments.int("depth", in: 1...64) { configuration.depth = value }
  if let value = try arguments.int("stages", in: 1...8) { configuration.stages = value }
  if let value = try arguments.int("kernel-size", in: 1...63) { configuration.kernelSize = value }
  if let value = try arguments.int("dilation", in: 1...64) { configuration.dilation = value }
  if let value = arguments.string("pooling") {
    configuration.pooling = ModelConfiguration.Pooling(rawValue: value)!
  }
  if let value = try arguments.double("dropout", in: 0...0.99) {
    configuration.dropout = Float(value)
  }
  if let value = try arguments.double("embedding-dropout", in: 0...0.99) {
    configuration.embeddingDropout = Float(value)
  }
  if let value = try arguments.double("embedding-init-std", in: 1e-6...100) {
    configuration.embeddingInitStd = Float(value)
  }
  if let value = arguments.string("tokenization") {
    configuration.tokenization = ModelConfiguration.Tokenization(rawValue: value)!
  }
  if let value = try arguments.int("max-length", in: 1...100_000) { configuration.maxLength = value }
  if let value = try arguments.int("min-count", in: bounded) { configuration.minCount = value }
  if let value = try arguments.int("max-vocabulary", in: 3...10_000_000) {
    configuration.maxVocabulary = value
  }
  do {
    try configuration.validate()
  } catch {
    throw UsageError(message: "\(error)", command: arguments.command)
  }
  return configuration
}

private func readConfigurationFile(_ path: String, command: String) throws -> ModelConfiguration {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw UsageError(message: "cannot read model configuration file \(path)", command: command)
  }
  let parsed: Any
  do {
    parsed = try JSONSerialization.jsonObject(with: data)
  } catch {
    let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
    throw UsageError(
      message: "\(path) is not valid JSON" + (detail.map { ": \($0)" } ?? "")
        + "; expected an object such as {\"kernel_size\": 3}", command: command)
  }
  guard let object = parsed as? [String: Any] else {
    throw UsageError(
      message: "\(path) is not a JSON object; expected an object such as {\"kernel_size\": 3}",
      command: command)
  }
  let unknown = Set(object.keys).subtracting(configurationKeys)
  guard unknown.isEmpty else {
    throw UsageError(
      message: "\(path): unknown key(s) \(unknown.sorted().joined(separator: ", ")); expected "
        + configurationKeys.sorted().joined(separator: ", "), command: command)
  }
  do {
    let configuration = try ModelConfiguration.decode(json: String(decoding: data, as: UTF8.self))
    try configuration.validate()
    return configuration
  } catch let error as DecodingError {
    throw UsageError(message: "\(path): \(describe(error))", command: command)
  } catch let error as ConfigurationError {
    let key = ModelConfiguration.jsonKey(forField: error.field) ?? error.field
    throw UsageError(message: "\(path): key '\(key)' \(error.message)", command: command)
  } catch {
    throw UsageError(message: "\(path): invalid model configuration: \(error)", command: command)
  }
}

/// Names the JSON key of a decoding failure and the type it needs, without Swift internals.
private func describe(_ error: DecodingError) -> String {
  func keyName(_ context: DecodingError.Context) -> String {
    context.codingPath.last.map { "key '\($0.stringValue)'" } ?? "a value"
  }
  switch error {
  case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
    let expected =
      type == Int.self ? "an integer" : type == Float.self || type == Double.self
      ? "a number" : type == String.self ? "a string" : "\(type)"
    return "\(keyName(context)) has the wrong type, expected \(expected)"
  case .dataCorrupted(let context):
    return "\(keyName(context)) has an invalid value; "
      + "'skipconv train --help' lists the values of each option"
  case .keyNotFound(let key, _):
    return "key '\(key.stringValue)' is missing"
  @unknown default:
    return "invalid model configuration"
  }
}

/// Options that set the optimizer, schedule and batches.
let trainingOptions: [OptionSpec] = [
  .value("epochs", "N", help: "Passes over the training data.",
    default: "\(TrainingSettings().epochs)"),
  .value("batch-size", "N", help: "Examples per batch.", default: "64"),
  .value("seed", "N", help: "Seed of the initial weights, batch order and dropout.", default: "1"),
  .value("optimizer", "NAME", help: "Optimizer.", default: "adamw",
    choices: OptimizerKind.allCases.map(\.rawValue)),
  .value("learning-rate", "LR", help: "Peak learning rate, reached after warm-up.",
    default: "0.002"),
  .value("warmup", "FRACTION", help: "Fraction of all steps spent warming up.",
    default: "\(TrainingSettings().warmupFraction)"),
  .value("schedule", "DECAY", help: "Learning-rate decay after warm-up.", default: "cosine",
    choices: LearningRateSchedule.Decay.allCases.map(\.rawValue)),
  .value("weight-decay", "WD", help: "Weight decay (decoupled for adamw).", default: "0.05"),
  .value("clip-norm", "NORM", help: "Clip gradients to this global L2 norm; 0 turns it off.",
    default: "5"),
  .value("momentum", "M", help: "Momentum of sgd.", default: "0.9"),
  .flag("no-bucketing", help: "Do not group examples of similar length into batches."),
  .value("word-dropout", "P", help: "Probability that a training token becomes the unknown "
    + "token, from 0 to 0.99.", default: "0"),
]

func trainingSettings(_ arguments: ParsedArguments) throws -> TrainingSettings {
  var settings = TrainingSettings()
  settings.epochs = try arguments.int("epochs", in: 1...100_000) ?? settings.epochs
  settings.batchSize = try arguments.int("batch-size", in: 1...1_000_000) ?? settings.batchSize
  settings.seed = UInt64(try arguments.int("seed", in: 0...Int.max) ?? 1)
  settings.optimizer.kind = OptimizerKind(rawValue: arguments.string("optimizer") ?? "adamw")!
  let learningRate = try arguments.double("learning-rate", in: 1e-12...10) ?? 2e-3
  settings.learningRate = Float(learningRate)
  settings.warmupFraction = Float(try arguments.double("warmup", in: 0...1)
    ?? Double(settings.warmupFraction))
  settings.decay = LearningRateSchedule.Decay(rawValue: arguments.string("schedule") ?? "cosine")!
  settings.optimizer.weightDecay = Float(try arguments.double("weight-decay", in: 0...10) ?? 0.05)
  settings.optimizer.maxGradientNorm = Float(try arguments.double("clip-norm", in: 0...1e6) ?? 5)
  settings.optimizer.momentum = Float(try arguments.double("momentum", in: 0...0.999) ?? 0.9)
  settings.bucketByLength = !arguments.flag("no-bucketing")
  settings.wordDropout = Float(try arguments.double("word-dropout", in: 0...0.99) ?? 0)
  return settings
}
