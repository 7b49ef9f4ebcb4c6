import Foundation

/// Raised when a new run's output folder already contains an earlier run's checkpoints, which
/// the new run would replace.
public struct ExistingRunError: Error, Equatable, CustomStringConvertible {
  public var folder: String
  /// The checkpoint files found in the folder.
  public var files: [String]

  public var description: String {
    "the output folder \(folder) already contains an earlier run (\(files.joined(separator: ", "))); "
      + "pass --resume to continue it, --overwrite to start over, or choose another --out"
  }
}

extension TrainingOutput {
  /// The files of a run, which starting over with `TrainingJobOptions.overwrite` removes.
  public static let runFiles = [lastCheckpoint, bestCheckpoint, metrics, report]

  /// Throws `ExistingRunError` when `options` start a new run, neither resuming nor
  /// overwriting, in a folder that contains `last.safetensors` or `best.safetensors`.
  public static func checkFolder(_ options: TrainingJobOptions) throws {
    guard !options.resume && !options.overwrite else { return }
    let found = [lastCheckpoint, bestCheckpoint].filter {
      FileManager.default.fileExists(
        atPath: options.outputDirectory.appendingPathComponent($0).path)
    }
    guard found.isEmpty else {
      throw ExistingRunError(folder: options.outputDirectory.path, files: found)
    }
  }

  /// Removes the files of an earlier run from `folder`.
  static func removeRun(in folder: URL) throws {
    for name in runFiles {
      let path = folder.appendingPathComponent(name).path
      if unlink(path) != 0 && errno != ENOENT {
        throw FileOperationError("unlink", path: path)
      }
    }
  }

  /// Returns the outermost missing folder on the path to `folder`, the first that creating
  /// `folder` creates. Returns nil when `folder` exists.
  static func outermostMissingFolder(_ folder: URL) -> URL? {
    var missing: URL?
    var current = folder.standardizedFileURL
    while current.path != "/" && !FileManager.default.fileExists(atPath: current.path) {
      missing = current
      current = current.deletingLastPathComponent()
    }
    return missing
  }

  /// Removes `folder`, then each parent up to and including `outermost`, while they are empty.
  static func removeEmptyFolders(from folder: URL, upTo outermost: URL) {
    var current = folder.standardizedFileURL
    while current.path.hasPrefix(outermost.path) {
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: current.path)) ?? [""]
      guard contents.isEmpty, (try? FileManager.default.removeItem(at: current)) != nil else {
        return
      }
      current = current.deletingLastPathComponent()
    }
  }
}
