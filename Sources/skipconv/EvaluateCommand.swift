import Foundation
import SkipConv

let evaluateCommand = Subcommand(
  name: "evaluate",
  abstract: "Score a checkpoint on a labelled file or a dataset split.",
  discussion: """
    Prints accuracy, loss, per-class precision, recall and F1, and the confusion matrix (rows:
    true label, columns: predicted). The data is a file given with --data, or a split of a named
    dataset (default: its test split).
    """,
  options: [
    deviceOption,
    .value("checkpoint", "FILE", help: "Checkpoint to load (required)."),
    .value("data", "FILE", help: "Labelled file to score (CSV, TSV, TREC or fastText)."),
    .value("dataset", "NAME", help: "Named dataset to score instead of --data."),
    .value("split", "SPLIT", help: "Split of --dataset.", default: "test",
      choices: ["train", "validation", "test"]),
    .value("batch-size", "N", help: "Examples per batch.", default: "64"),
    .flag("json", help: "Print the results as JSON."),
  ] + dataOptions.filter { ["format", "labels", "label-column", "skip-invalid", "data-dir"].contains($0.name) },
  positionalName: nil
) { arguments in
  let checkpoint = try checkpointPath(arguments)
  let batchSize = try arguments.int("batch-size", in: 1...1_000_000) ?? 64
  let file = try evaluationFile(arguments)
  let backend = try openBackend(arguments)

  let classifier = try Classifier(checkpoint: checkpoint, backend: backend)
  var options = readOptions(arguments)
  options.datasetName = arguments.string("dataset")
  let read = try DatasetReader.read(file, options: options)
  var examples = read.examples
  var report = read.report
  if options.skipInvalid {
    examples = examples.filter { classifier.metadata.labels.classID(of: $0.label) != nil }
    report.skipUsedRows(read.examples.count - examples.count, reason: .unknownLabel)
    guard !examples.isEmpty else {
      throw DataError.noValidRows(path: report.file, skipped: report.rowsSkippedTotal)
    }
  }
  let metrics = try classifier.evaluate(examples, batchSize: batchSize)
  if arguments.flag("json") {
    print(try metadataJSON(metrics))
  } else {
    print(report.summary)
    print(formatMetrics(metrics))
  }
  return ExitStatus.success
}

/// The `--checkpoint` option, which must name an existing readable file; raises
/// `CheckpointError` (exit status 4) when it does not.
func checkpointPath(_ arguments: ParsedArguments) throws -> URL {
  guard let path = arguments.string("checkpoint") else {
    throw UsageError(
      message: "missing --checkpoint FILE, for example runs/sst2-residual/best.safetensors",
      command: arguments.command)
  }
  var isFolder: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
    throw CheckpointError(
      path: path, "does not exist; give the path of a .safetensors file written by "
        + "'skipconv train'")
  }
  guard !isFolder.boolValue else {
    throw CheckpointError(
      path: path, "is a folder, not a file; give a file in it such as \(path)/best.safetensors")
  }
  guard FileManager.default.isReadableFile(atPath: path) else {
    throw CheckpointError(path: path, "is not readable; fix its permissions or give another file")
  }
  return URL(fileURLWithPath: path)
}

private func evaluationFile(_ arguments: ParsedArguments) throws -> URL {
  if let path = arguments.string("data") {
    guard arguments.string("dataset") == nil else {
      throw UsageError(message: "give --data or --dataset, not both", command: "evaluate")
    }
    return URL(fileURLWithPath: path)
  }
  guard let name = arguments.string("dataset") else {
    throw UsageError(message: "missing data: give --data FILE or --dataset NAME",
      command: "evaluate")
  }
  guard let descriptor = DatasetRegistry.descriptor(ifNamed: name) else {
    throw UsageError(
      message: "unknown dataset '\(name)': expected one of "
        + DatasetRegistry.names.joined(separator: ", "), command: "evaluate")
  }
  let split: DatasetSplit = ["train": .train, "validation": .validation][
    arguments.string("split") ?? "test"] ?? .test
  let store = try DatasetStore(directory: arguments.string("data-dir").map { URL(fileURLWithPath: $0) })
  let datasetFile = try descriptor.file(for: split)
  let local = store.localURL(of: datasetFile, in: descriptor)
  if !FileManager.default.fileExists(atPath: local.path) {
    try store.download(datasetFile, of: descriptor)
  }
  return local
}

/// Accuracy, per-class scores and the confusion matrix as aligned text.
func formatMetrics(_ metrics: ClassificationMetrics) -> String {
  var lines = [
    String(format: "examples: %d  accuracy: %.2f%%  loss: %.4f  macro F1: %.4f",
      metrics.examples, metrics.accuracy * 100, metrics.loss, metrics.macroF1),
    "",
    "class         precision  recall      F1  support",
  ]
  for scores in metrics.classes {
    lines.append(
      scores.label.padding(toLength: 12, withPad: " ", startingAt: 0)
        + String(format: "  %9.4f  %6.4f  %6.4f  %7d", scores.precision, scores.recall,
          scores.f1, scores.support))
  }
  lines += ["", "confusion matrix (rows: true, columns: predicted)"]
  let names = metrics.classes.map { String($0.label.prefix(8)) }
  lines.append(String(repeating: " ", count: 10) + names.map {
    $0.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
  for (row, counts) in metrics.confusion.enumerated() {
    lines.append(names[row].padding(toLength: 10, withPad: " ", startingAt: 0)
      + counts.map { String($0).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
  }
  return lines.joined(separator: "\n")
}
