import Foundation
import SkipConv

/// Exit statuses of the tool, also listed in docs/exit-status.md.
enum ExitStatus {
  static let success: Int32 = 0
  /// A run that finished but failed its check, such as a parity case over tolerance.
  static let failure: Int32 = 1
  /// Invalid command line: unknown option, bad value, missing argument.
  static let usage: Int32 = 2
  /// An OpenCL error: no platform, no matching device, out of device memory, failed build.
  static let device: Int32 = 3
  /// Bad input data or checkpoint.
  static let input: Int32 = 4
  /// Training stopped on a NaN or infinite loss or parameter.
  static let nonFiniteLoss: Int32 = 5
  /// The output folder is in use by another run, or a file could not be read or written.
  static let fileOperation: Int32 = 6
  /// Interrupted by Ctrl-C (SIGINT) or SIGTERM after saving a checkpoint.
  static let interrupted: Int32 = 130
}

let subcommands: [Subcommand] = [
  devicesCommand,
  parityCommand,
  trainCommand,
  evaluateCommand,
  predictCommand,
  tuneCommand,
]

func printError(_ message: String) {
  FileHandle.standardError.write(Data("skipconv: error: \(message)\n".utf8))
}

func runTool(_ arguments: [String]) -> Int32 {
  guard let first = arguments.first else {
    printError("missing subcommand")
    FileHandle.standardError.write(Data(Help.toolHelp(subcommands).utf8))
    return ExitStatus.usage
  }
  if first == "--help" || first == "-h" || first == "help" {
    print(Help.toolHelp(subcommands), terminator: "")
    return ExitStatus.success
  }
  guard let command = subcommands.first(where: { $0.name == first }) else {
    printError("unknown subcommand '\(first)'")
    FileHandle.standardError.write(Data(Help.toolHelp(subcommands).utf8))
    return ExitStatus.usage
  }
  let rest = Array(arguments.dropFirst())
  if rest.contains("--help") || rest.contains("-h") {
    print(Help.commandHelp(command), terminator: "")
    return ExitStatus.success
  }
  do {
    let parsed = try parse(rest, for: command)
    return try command.run(parsed)
  } catch let error as UsageError {
    printError(error.message)
    FileHandle.standardError.write(
      Data("\(Help.usageLine(command))\nRun 'skipconv \(command.name) --help' for details.\n".utf8))
    return ExitStatus.usage
  } catch let error as OpenCLError {
    printError(error.description)
    return ExitStatus.device
  } catch let error as TrainingError {
    printError(error.description)
    return ExitStatus.nonFiniteLoss
  } catch let error as DataError {
    printError(error.description)
    return ExitStatus.input
  } catch let error as CheckpointError {
    printError(error.description)
    return ExitStatus.input
  } catch let error as SafetensorsError {
    printError(error.description)
    return ExitStatus.input
  } catch let error as FolderLockedError {
    printError(error.description)
    return ExitStatus.fileOperation
  } catch let error as FileOperationError {
    printError(error.description)
    return ExitStatus.fileOperation
  } catch {
    printError("\(error)")
    return ExitStatus.failure
  }
}

exit(runTool(Array(CommandLine.arguments.dropFirst())))
