import Foundation
import SkipConv

/// Options that set where examples come from and how to read them.
let dataOptions: [OptionSpec] = [
  .value("train", "FILE", help: "Training file (CSV, TSV, TREC or fastText), instead of DATASET."),
  .value("validation", "FILE", help: "Validation file; without it a fraction of the training "
    + "file is held out."),
  .value("test", "FILE", help: "Test file, evaluated with the best checkpoint after training."),
  .value("format", "FORMAT", help: "File format; by default from the dataset name, the file "
    + "extension or the first line.", choices: DatasetFormat.allCases.map(\.rawValue)),
  .value("labels", "LEVEL", help: "TREC labels: coarse (6 classes) or fine (50).",
    default: "coarse", choices: LabelGranularity.allCases.map(\.rawValue)),
  .value("label-column", "COLUMN", help: "TSV label column.", default: "automatic",
    choices: LabelColumn.allCases.map(\.rawValue)),
  .value("validation-fraction", "F", help: "Fraction of the training file held out when there "
    + "is no validation file.", default: "0.1"),
  .value("limit-train", "N", help: "Train on only the first N training examples."),
  .flag("skip-invalid", help: "Skip and count invalid rows instead of stopping at the first."),
  .value("data-dir", "DIR", help: "Folder of named datasets (default: $SKIPCONV_DATA, else "
    + "$XDG_CACHE_HOME/skipconv, else ~/.cache/skipconv); missing files are downloaded there."),
]

func readOptions(_ arguments: ParsedArguments) -> ReadOptions {
  var options = ReadOptions()
  options.format = arguments.string("format").flatMap(DatasetFormat.init(rawValue:))
  options.labelGranularity = LabelGranularity(rawValue: arguments.string("labels") ?? "coarse")!
  options.labelColumn = LabelColumn(rawValue: arguments.string("label-column") ?? "automatic")!
  options.skipInvalid = arguments.flag("skip-invalid")
  return options
}

/// Returns the training source from DATASET or `--train`, checked before any file is read.
func trainingSource(_ arguments: ParsedArguments) throws -> TrainingSource {
  let command = arguments.command
  if let train = arguments.string("train") {
    guard arguments.positionals.isEmpty else {
      throw UsageError(
        message: "give either a dataset name or --train, not both", command: command)
    }
    return .files(
      train: URL(fileURLWithPath: train),
      validation: arguments.string("validation").map { URL(fileURLWithPath: $0) },
      test: arguments.string("test").map { URL(fileURLWithPath: $0) })
  }
  guard arguments.positionals.count == 1, let name = arguments.positionals.first else {
    throw UsageError(
      message: arguments.positionals.isEmpty
        ? "missing dataset: name one of \(DatasetRegistry.names.joined(separator: ", ")) or "
          + "give --train FILE"
        : "expected one dataset name, got \(arguments.positionals.joined(separator: " "))",
      command: command)
  }
  guard DatasetRegistry.descriptor(ifNamed: name) != nil else {
    throw UsageError(
      message: "unknown dataset '\(name)': expected one of "
        + "\(DatasetRegistry.names.joined(separator: ", ")), or give a file with --train",
      command: command)
  }
  if arguments.string("validation") != nil || arguments.string("test") != nil {
    throw UsageError(
      message: "--validation and --test go with --train, not with a dataset name",
      command: command)
  }
  let directory = arguments.string("data-dir").map { URL(fileURLWithPath: $0) }
  return .dataset(name: name, store: try DatasetStore(directory: directory))
}

/// Opens the OpenCL backend; an unknown device is a usage error, raised before any other work.
func openBackend(_ arguments: ParsedArguments) throws -> OpenCLBackend {
  let selector = try deviceSelector(arguments)
  do {
    return try OpenCLBackend(context: ComputeContext(device: chooseDevice(selector)))
  } catch OpenCLError.noMatchingDevice(let selector, let available) {
    throw UsageError(
      message: OpenCLError.noMatchingDevice(selector: selector, available: available).description,
      command: arguments.command)
  }
}
