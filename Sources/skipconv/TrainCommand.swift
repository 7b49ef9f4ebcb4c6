import Foundation
import SkipConv

let trainCommand = Subcommand(
  name: "train",
  abstract: "Train a residual or highway Conv1d text classifier.",
  discussion: """
    Trains on a named dataset (sst2, trec, ag_news; found in the data folder or downloaded) or on
    files given with --train. Writes to the --out folder: last.safetensors after each epoch and
    on Ctrl-C or SIGTERM, best.safetensors (best validation accuracy), metrics.jsonl (one JSON
    object per step; epoch and batchInEpoch count from 1) and report.json. A folder that holds
    an earlier run's checkpoints needs --resume or --overwrite.

    With --resume, continues from last.safetensors with the same optimizer state and data
    order. Every option must be as before except --epochs: a different --epochs recomputes the
    learning-rate schedule (warm-up and decay) over the new total number of steps, so the
    learning rate may jump at the resumed step. Data options (--train, --validation,
    --validation-fraction, --limit-train, --skip-invalid), --seed and --batch-size that differ
    from the checkpoint's are rejected, because they change the data order.
    """,
  options: [deviceOption]
    + [.value("out", "DIR", help: "Output folder (default: runs/<dataset>-<block>)."),
      .flag("resume", help: "Continue from last.safetensors in the output folder."),
      .flag("overwrite", help: "Start over in an output folder that contains an earlier run, "
        + "removing its checkpoints, metrics.jsonl and report.json.")]
    + dataOptions + modelOptions + trainingOptions,
  positionalName: "DATASET"
) { arguments in
  // Validate every option before touching a file or a device.
  let source = try trainingSource(arguments)
  var options = TrainingJobOptions(source: source, outputDirectory: URL(fileURLWithPath: "."))
  options.readOptions = readOptions(arguments)
  options.validationFraction = try arguments.double("validation-fraction", in: 0.001...0.9) ?? 0.1
  options.trainLimit = try arguments.int("limit-train", in: 1...Int.max)
  options.settings = try trainingSettings(arguments)
  options.resume = arguments.flag("resume")
  options.overwrite = arguments.flag("overwrite")
  if options.resume && options.overwrite {
    throw UsageError(
      message: "--resume and --overwrite exclude each other; pass one of them", command: "train")
  }
  let outName: String
  switch source {
  case .dataset(let name, _): outName = name
  case .files(let train, _, _): outName = train.deletingPathExtension().lastPathComponent
  }
  let blockName = arguments.string("block") ?? "residual"
  options.outputDirectory = URL(
    fileURLWithPath: arguments.string("out") ?? "runs/\(outName)-\(blockName)")
  var base = ModelConfiguration()
  let last = options.outputDirectory.appendingPathComponent(TrainingOutput.lastCheckpoint)
  if options.resume, let saved = try? ModelCheckpoint.read(last).metadata.configuration {
    base = saved
  }
  options.configuration = try modelConfiguration(arguments, base: base)
  if options.resume && !FileManager.default.fileExists(atPath: last.path) {
    throw UsageError(
      message: "nothing to resume: \(last.path) does not exist", command: "train")
  }
  do {
    try TrainingOutput.checkFolder(options)
  } catch let error as ExistingRunError {
    throw UsageError(message: error.description, command: "train")
  }
  let backend = try openBackend(arguments)

  // Train, reporting progress on stderr.
  let progress = ProgressReporter(totalEpochs: options.settings.epochs)
  progress.line("device: \(backend.name)")
  let interrupt = InterruptFlag()
  interrupt.install()
  let job = TrainingJob(options: options, backend: backend)
  job.observer = progress
  job.onDataLoaded = { splits, vocabulary, labels in
    for report in splits.reports {
      progress.line(report.summary)
    }
    progress.line(
      "examples: \(splits.train.count) train, \(splits.validation.count) validation"
        + (splits.validationIsHeldOut ? " (held out)" : "")
        + (splits.test.map { ", \($0.count) test" } ?? "")
        + "; vocabulary \(vocabulary.count); classes \(labels.labels.joined(separator: ", "))")
  }
  let report: TrainingReport
  do {
    report = try job.run(shouldStop: { interrupt.isRaised })
  } catch let error as ExistingRunError {
    // Another process wrote a checkpoint into the folder after the check above.
    throw UsageError(message: error.description, command: "train")
  }
  printTrainingReport(report)
  return report.interrupted ? ExitStatus.interrupted : ExitStatus.success
}

func printTrainingReport(_ report: TrainingReport) {
  print("parameters: \(report.parameters)")
  print("epochs: \(report.epochsCompleted), steps: \(report.steps), "
    + "time: \(formatDuration(report.trainingSeconds))")
  if let accuracy = report.bestValidationAccuracy {
    print(String(format: "best validation accuracy: %.2f%%", accuracy * 100))
  }
  if let accuracy = report.testAccuracy {
    print(String(format: "test accuracy: %.2f%% (best validation checkpoint)", accuracy * 100))
  }
  print("checkpoint: \(report.bestCheckpoint ?? report.lastCheckpoint)")
  if report.interrupted {
    print("interrupted: resume with --resume")
  }
}
