import Foundation
import SkipConv

/// Shows training progress on stderr: a bar redrawn in place on a terminal, otherwise one line
/// every few seconds; one line per event (epoch end, checkpoint) either way.
final class ProgressReporter: TrainingObserver {
  private let isTerminal = isatty(STDERR_FILENO) == 1
  private let logInterval: Double
  private var lastLine = -Double.infinity
  private var barShown = false
  private let totalEpochs: Int

  init(totalEpochs: Int, logInterval: Double = 5) {
    self.totalEpochs = totalEpochs
    self.logInterval = logInterval
  }

  func trainingDidStep(_ metrics: StepMetrics) {
    let done = metrics.batchInEpoch == metrics.batchesPerEpoch
    guard isTerminal || metrics.elapsedSeconds - lastLine >= logInterval || done else { return }
    lastLine = metrics.elapsedSeconds
    let remainingSteps = Double(
      (totalEpochs - metrics.epoch) * metrics.batchesPerEpoch
        + metrics.batchesPerEpoch - metrics.batchInEpoch)
    let stepsPerSecond = metrics.samplesPerSecond / Double(max(metrics.samples, 1))
    let eta = stepsPerSecond > 0 ? formatDuration(remainingSteps / stepsPerSecond) : "?"
    let text = String(
      format: "epoch %d/%d step %d/%d %6.0f samples/s loss %.4f acc %5.1f%% lr %.2e ETA %@",
      metrics.epoch, totalEpochs, metrics.batchInEpoch, metrics.batchesPerEpoch,
      metrics.samplesPerSecond, metrics.loss, metrics.accuracy * 100, metrics.learningRate, eta)
    if isTerminal {
      let fraction = Double(metrics.batchInEpoch) / Double(max(metrics.batchesPerEpoch, 1))
      let filled = Int(fraction * 24)
      let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 24 - filled)
      writeError("\r\u{1B}[K[\(bar)] " + text)
      barShown = true
    } else {
      line(text)
    }
  }

  func trainingDidFinishEpoch(_ metrics: EpochMetrics) {
    var text = String(
      format: "epoch %d/%d done in %@: train loss %.4f acc %.2f%%", metrics.epoch,
      totalEpochs, formatDuration(metrics.seconds), metrics.trainLoss, metrics.trainAccuracy * 100)
    if let loss = metrics.validationLoss, let accuracy = metrics.validationAccuracy {
      text += String(format: ", validation loss %.4f acc %.2f%%", loss, accuracy * 100)
    }
    line(text)
  }

  func trainingDidSaveCheckpoint(path: String, reason: String) {
    let what = ["best": "best checkpoint", "interrupt": "checkpoint after interrupt"][reason]
      ?? "checkpoint"
    line("saved \(what) \(path)")
  }

  /// Prints one event line, first ending a bar drawn on the terminal.
  func line(_ text: String) {
    if barShown {
      writeError("\r\u{1B}[K")
      barShown = false
    }
    writeError(text + "\n")
  }
}

func writeError(_ text: String) {
  FileHandle.standardError.write(Data(text.utf8))
}

/// Formats seconds as `45s`, `3m07s` or `1h02m`.
func formatDuration(_ seconds: Double) -> String {
  guard seconds.isFinite, seconds >= 0 else { return "?" }
  let total = Int(seconds.rounded())
  if total < 60 {
    return "\(total)s"
  }
  if total < 3600 {
    return String(format: "%dm%02ds", total / 60, total % 60)
  }
  return String(format: "%dh%02dm", total / 3600, total % 3600 / 60)
}

/// Set by SIGINT (Ctrl-C) or SIGTERM; the training loop checks it before each step.
final class InterruptFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var raised = false
  private var sources: [DispatchSourceSignal] = []

  /// Catches SIGINT and SIGTERM. The first signal raises the flag. A second one ends the process
  /// at once by that signal, as if it were not caught, so its status (130 or 143 in a shell)
  /// comes from the signal and no checkpoint is written.
  func install() {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        self?.received(number, count: Int(source.data))
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Handles `count` deliveries of signal `number` that the dispatch source merged into one.
  private func received(_ number: Int32, count: Int) {
    let again = lock.withLock { () -> Bool in
      defer { raised = true }
      return raised || count > 1
    }
    let name = number == SIGTERM ? "SIGTERM" : "interrupt"
    guard again else {
      writeError("\nskipconv: \(name) received, saving a checkpoint after this step\n")
      return
    }
    writeError("\nskipconv: second interrupt, exiting without a checkpoint\n")
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, number)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    signal(number, SIG_DFL)
    kill(getpid(), number)
    // NOTE: reached only when every thread blocks the signal; the shell's status for it follows.
    exit(128 + number)
  }

  var isRaised: Bool { lock.withLock { raised } }
}
