import Foundation

/// Splits text into tokens at word or character level. Its JSON form is stored with a model so
/// that evaluation tokenizes as training did.
public struct Tokenizer: Codable, Equatable, Sendable {
  public enum Level: String, Codable, CaseIterable, Sendable {
    /// Lower-cased words and punctuation, as `wordTokens(in:)` describes.
    case word
    /// Characters: the text's UTF-8 bytes, or the characters of a fixed alphabet.
    case character
  }

  public var level: Level
  /// Character level only: the characters kept, or nil for every UTF-8 byte.
  public var alphabet: String?
  /// Whether text is lower-cased first: always at word level, chosen at character level.
  public var lowercase: Bool

  /// The word-level tokenizer.
  public static let word = Tokenizer(level: .word, alphabet: nil, lowercase: true)

  /// A lower-case English alphabet of 68 characters: 26 letters, 10 digits and 32 ASCII
  /// punctuation marks. Spaces and other characters map to the unknown id.
  public static let defaultAlphabet =
    "abcdefghijklmnopqrstuvwxyz0123456789-,;.!?:'\"/\\|_@#$%^&*~`+=<>()[]{}"

  /// Returns a character-level tokenizer. With `alphabet` nil, every UTF-8 byte is a token and the
  /// case is kept. With an alphabet, text is lower-cased (unless `lowercase` is false), and each
  /// Unicode scalar is a token that maps to the unknown id when the alphabet lacks it.
  public static func characters(alphabet: String? = nil, lowercase: Bool? = nil) -> Tokenizer {
    Tokenizer(level: .character, alphabet: alphabet, lowercase: lowercase ?? (alphabet != nil))
  }

  /// Returns the tokens of `text`.
  ///
  /// At character level without an alphabet, byte `b` is the one-scalar string U+00bb, so that
  /// every byte value, including those that do not form valid UTF-8 alone, has a string token.
  public func tokenize(_ text: String) -> [String] {
    let cased = lowercase ? text.lowercased() : text
    switch level {
    case .word:
      return wordTokens(in: cased)
    case .character where alphabet == nil:
      return cased.utf8.map { String(Unicode.Scalar($0)) }
    case .character:
      return cased.unicodeScalars.map { String($0) }
    }
  }

  /// Returns the vocabulary a character-level tokenizer implies: the 256 byte values in order, or the
  /// alphabet's scalars in order of first appearance. Word level has none, because its
  /// vocabulary is built from the training split with `Vocabulary.build`.
  public func fixedVocabulary() throws -> Vocabulary? {
    guard level == .character else { return nil }
    guard let alphabet else {
      return try Vocabulary(tokens: (0...255).map { String(Unicode.Scalar(UInt8($0))) })
    }
    var seen = Set<String>()
    let tokens = alphabet.unicodeScalars.map { String($0) }.filter { seen.insert($0).inserted }
    guard !tokens.isEmpty else {
      throw DataError.invalidOption("character alphabet is empty, expected at least one character")
    }
    return try Vocabulary(tokens: tokens)
  }
}
