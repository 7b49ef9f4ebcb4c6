/// The batches of each epoch as lists of example indices, reproducible from a seed.
///
/// The order of epoch `e` depends only on the seed, `e` and the settings, so a run resumed at
/// epoch `e`, step `s` continues with `batch(epoch: e, step: s)` exactly as the first run would
/// have.
public struct BatchSchedule: Equatable, Sendable {
  /// The length of each example, used for bucketing.
  public let lengths: [Int]
  public let batchSize: Int
  public let seed: UInt64
  /// Whether examples are shuffled each epoch; without it, batches follow the dataset order.
  public let shuffle: Bool
  /// With bucketing, the shuffled order is cut into chunks of this many examples (rounded up to
  /// a multiple of `batchSize`), each chunk is sorted by length so that a batch contains examples
  /// of similar length and needs less padding, and the batches are shuffled again. Nil turns
  /// bucketing off.
  public let bucketSize: Int?
  /// Whether a last batch smaller than `batchSize` is dropped.
  public let dropLast: Bool

  public init(
    lengths: [Int], batchSize: Int, seed: UInt64, shuffle: Bool = true, bucketSize: Int? = nil,
    dropLast: Bool = false
  ) throws {
    guard batchSize >= 1 else {
      throw DataError.invalidOption("invalid batch size \(batchSize): expected 1 or more")
    }
    if let bucketSize, bucketSize < 1 {
      throw DataError.invalidOption("invalid bucket size \(bucketSize): expected 1 or more")
    }
    guard !lengths.isEmpty else {
      throw DataError.invalidOption("cannot form batches from 0 examples: the dataset is empty")
    }
    guard !dropLast || lengths.count >= batchSize else {
      throw DataError.invalidOption(
        "cannot form batches of \(batchSize) from \(lengths.count) examples; use a smaller "
          + "batch size or keep the last partial batch")
    }
    self.lengths = lengths
    self.batchSize = batchSize
    self.seed = seed
    self.shuffle = shuffle
    self.bucketSize = bucketSize.map { ($0 + batchSize - 1) / batchSize * batchSize }
    self.dropLast = dropLast
  }

  /// Number of batches in each epoch.
  public var batchesPerEpoch: Int {
    dropLast ? lengths.count / batchSize : (lengths.count + batchSize - 1) / batchSize
  }

  /// Returns the batches of `epoch` (0-based), each a list of example indices.
  public func batches(epoch: Int) -> [[Int]] {
    var generator = SeededGenerator(seed: seed ^ epochSalt(epoch))
    var order = Array(lengths.indices)
    if shuffle {
      seededShuffle(&order, using: &generator)
    }
    if let bucketSize {
      let shuffled = order
      order = stride(from: 0, to: shuffled.count, by: bucketSize).flatMap { start -> [Int] in
        let chunk = shuffled[start..<min(start + bucketSize, shuffled.count)]
        return chunk.enumerated().sorted {
          (lengths[$0.element], $0.offset) < (lengths[$1.element], $1.offset)
        }.map(\.element)
      }
    }
    var batches = stride(from: 0, to: order.count, by: batchSize).map {
      Array(order[$0..<min($0 + batchSize, order.count)])
    }
    if dropLast, let last = batches.last, last.count < batchSize {
      batches.removeLast()
    }
    if shuffle, bucketSize != nil {
      seededShuffle(&batches, using: &generator)
    }
    return batches
  }

  /// Returns the batch at `step` of `epoch`, for resuming a run. It computes the whole epoch's order, so
  /// a loop over an epoch should call `batches(epoch:)` once instead.
  public func batch(epoch: Int, step: Int) -> [Int] {
    precondition((0..<batchesPerEpoch).contains(step), "step \(step) is outside the epoch")
    return batches(epoch: epoch)[step]
  }

  /// Returns a well-mixed 64-bit value per epoch, so that the generators of two epochs never run
  /// through the same SplitMix64 stream at a small offset.
  private func epochSalt(_ epoch: Int) -> UInt64 {
    var mixer = SeededGenerator(seed: UInt64(truncatingIfNeeded: epoch))
    return mixer.next()
  }
}
