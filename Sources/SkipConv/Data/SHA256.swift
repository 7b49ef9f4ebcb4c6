import Foundation

/// SHA-256 (FIPS 180-4), computed incrementally: feed bytes with `update`, then call `finalize`.
public struct SHA256: Sendable {
  private var state: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  /// Bytes received but not yet compressed: always fewer than 64.
  private var pending: [UInt8] = []
  private var totalBytes: UInt64 = 0

  public init() {}

  /// Adds `bytes` to the message.
  public mutating func update(_ bytes: some Collection<UInt8>) {
    totalBytes &+= UInt64(bytes.count)
    var input = ArraySlice(bytes)
    if !pending.isEmpty {
      let needed = 64 - pending.count
      pending.append(contentsOf: input.prefix(needed))
      input = input.dropFirst(needed)
      guard pending.count == 64 else { return }
      compress(pending[...])
      pending.removeAll(keepingCapacity: true)
    }
    let wholeBlocks = input.count / 64 * 64
    if wholeBlocks > 0 {
      compress(input.prefix(wholeBlocks))
    }
    pending.append(contentsOf: input.dropFirst(wholeBlocks))
  }

  /// Pads the message, returning its 32-byte digest.
  public mutating func finalize() -> [UInt8] {
    let bitLength = totalBytes &* 8
    var padding: [UInt8] = [0x80]
    let paddedLength = (pending.count + 1 + 8 + 63) / 64 * 64
    padding += [UInt8](repeating: 0, count: paddedLength - pending.count - 1 - 8)
    padding += (0..<8).reversed().map { UInt8(truncatingIfNeeded: bitLength >> ($0 * 8)) }
    pending.append(contentsOf: padding)
    compress(pending[...])
    pending.removeAll()
    return state.flatMap { word in
      (0..<4).reversed().map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) }
    }
  }

  /// Returns the lower-case hexadecimal digest of `bytes`.
  public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hexString(hasher.finalize())
  }

  /// Returns the lower-case hexadecimal digest of the file at `url`, read in 1 MiB chunks.
  public static func hexDigest(ofFile url: URL) throws -> String {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      hasher.update(chunk)
    }
    return hexString(hasher.finalize())
  }

  static func hexString(_ digest: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var characters: [UInt8] = []
    for byte in digest {
      characters.append(digits[Int(byte >> 4)])
      characters.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: characters, as: UTF8.self)
  }

  /// Compresses whole 64-byte blocks into `state`.
  private mutating func compress(_ blocks: ArraySlice<UInt8>) {
    var words = [UInt32](repeating: 0, count: 64)
    var hash = state
    blocks.withUnsafeBufferPointer { buffer in
      words.withUnsafeMutableBufferPointer { w in
        hash.withUnsafeMutableBufferPointer { h in
          var offset = 0
          while offset < buffer.count {
            compressBlock(UnsafeBufferPointer(rebasing: buffer[offset..<offset + 64]), w, h)
            offset += 64
          }
        }
      }
    }
    state = hash
  }
}

@inline(__always)
private func rotateRight(_ x: UInt32, _ count: UInt32) -> UInt32 {
  (x >> count) | (x << (32 - count))
}

/// Compresses one 64-byte `block` into the 8-word `hash`, using the 64 words of `w` as the message
/// schedule.
private func compressBlock(
  _ block: UnsafeBufferPointer<UInt8>, _ w: UnsafeMutableBufferPointer<UInt32>,
  _ hash: UnsafeMutableBufferPointer<UInt32>
) {
  for t in 0..<16 {
    w[t] =
      UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16
      | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
  }
  for t in 16..<64 {
    let s0 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3)
    let s1 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10)
    w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
  }
  var (a, b, c, d, e, f, g, h) =
    (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7])
  for t in 0..<64 {
    let s1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
    let choice = (e & f) ^ (~e & g)
    let temp1 = h &+ s1 &+ choice &+ roundConstants[t] &+ w[t]
    let s0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
    let majority = (a & b) ^ (a & c) ^ (b & c)
    let temp2 = s0 &+ majority
    (h, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ temp2)
  }
  hash[0] &+= a
  hash[1] &+= b
  hash[2] &+= c
  hash[3] &+= d
  hash[4] &+= e
  hash[5] &+= f
  hash[6] &+= g
  hash[7] &+= h
}

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
private let roundConstants: [UInt32] = [
  0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
  0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
  0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
  0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
  0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
  0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
  0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
  0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
  0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
  0xc671_78f2,
]
