import Foundation

/// A seeded pseudo-random generator (SplitMix64), the same sequence on every platform, so that a
/// run with a given seed is reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform `Float` in `[low, high)`, from the top 24 bits of one draw.
  public mutating func nextFloat(in range: Range<Float> = 0..<1) -> Float {
    let unit = Float(next() >> 40) / Float(1 << 24)
    return range.lowerBound + unit * (range.upperBound - range.lowerBound)
  }

  /// `count` uniform values in `range`.
  public mutating func uniform(_ count: Int, in range: Range<Float> = -1..<1) -> [Float] {
    (0..<count).map { _ in nextFloat(in: range) }
  }

  /// A standard normal value by the Box-Muller transform.
  public mutating func nextNormal() -> Float {
    let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
    let u2 = Double(next() >> 11) / Double(1 << 53)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}

/// The 32-bit integer hash behind dropout masks (Wellons' "lowbias32"); `Kernels/dropout.cl`
/// computes the same function, so both backends drop the same elements.
@inline(__always)
public func lowbias32(_ value: UInt32) -> UInt32 {
  var x = value
  x ^= x >> 16
  x = x &* 0x7FEB_352D
  x ^= x >> 15
  x = x &* 0x846C_A68B
  x ^= x >> 16
  return x
}

/// Whether dropout keeps element `index` for `seed`: `lowbias32(index ^ lowbias32(seed))` at or
/// above `dropoutThreshold(probability)`.
@inline(__always)
public func dropoutKeeps(index: Int, seed: UInt32, threshold: UInt32) -> Bool {
  lowbias32(UInt32(truncatingIfNeeded: index) ^ lowbias32(seed)) >= threshold
}

/// The hash value below which an element is dropped: `p * 2^32`, clamped to `UInt32`.
public func dropoutThreshold(_ probability: Float) -> UInt32 {
  UInt32(min(max(Double(probability), 0) * 4_294_967_296.0, 4_294_967_295.0))
}
