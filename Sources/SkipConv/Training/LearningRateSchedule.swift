import Foundation

/// Linear warm-up from 0 to the peak learning rate, then decay to `finalFraction * peak` at the
/// last step, by a half cosine or a straight line (a one-cycle schedule when warm-up is short).
public struct LearningRateSchedule: Codable, Equatable, Sendable {
  public enum Decay: String, Codable, CaseIterable, Sendable {
    case cosine, linear, constant
  }

  public var peak: Float
  public var warmupSteps: Int
  public var totalSteps: Int
  public var decay: Decay
  public var finalFraction: Float

  public init(
    peak: Float, warmupSteps: Int, totalSteps: Int, decay: Decay = .cosine,
    finalFraction: Float = 0.01
  ) {
    self.peak = peak
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
    self.decay = decay
    self.finalFraction = finalFraction
  }

  /// The learning rate of `step`, counted from 1.
  public func learningRate(step: Int) -> Float {
    if step <= warmupSteps, warmupSteps > 0 {
      return peak * Float(step) / Float(warmupSteps)
    }
    let decaySteps = max(totalSteps - warmupSteps, 1)
    let progress = min(max(Double(step - warmupSteps) / Double(decaySteps), 0), 1)
    let floor = Double(peak * finalFraction)
    let span = Double(peak) - floor
    switch decay {
    case .constant:
      return peak
    case .linear:
      return Float(floor + span * (1 - progress))
    case .cosine:
      return Float(floor + span * 0.5 * (1 + cos(Double.pi * progress)))
    }
  }
}
