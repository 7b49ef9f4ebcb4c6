/// The English clitics split off as Penn Treebank tokenization does (`it's` becomes `it` `'s`).
private let clitics: Set<String> = ["s", "re", "ve", "ll", "d", "m"]

/// Splits already lower-cased `text` into words and punctuation, deterministically and without
/// regard to locale:
/// 1. Whitespace separates tokens and is dropped. `’` is read as `'`.
/// 2. A word is a run of letters, digits and combining marks. A `-` between two such
///    characters, a `.` or `,` between two digits, and a `'` between two letters stay inside
///    the word: `well-known`, `10,000`, `3.5`, `o'clock`.
/// 3. A word ending in `n't` splits before it, and a word ending in `'s`, `'re`, `'ve`, `'ll`, `'d`
///    or `'m` splits before the apostrophe, as in the Penn Treebank: `don't` becomes `do` `n't`,
///    `it's` becomes `it` `'s`. Text that is already tokenized this way (`do n't`, `it 's`, as in
///    SST-2 and TREC) keeps `n't` and `'s` as tokens.
/// 4. Every other character is a token of its own, except that a run of one repeated character
///    is one token: `...`, `--`, `!!`, and the Treebank quotes ``` `` ``` and `''`.
func wordTokens(in text: String) -> [String] {
  let scalars = text.unicodeScalars.map { $0 == "\u{2019}" ? "'" : $0 }
  var tokens: [String] = []
  var index = 0
  while index < scalars.count {
    let scalar = scalars[index]
    if scalar.properties.isWhitespace {
      index += 1
    } else if isWordScalar(scalar) {
      let end = wordEnd(scalars, from: index)
      appendWord(scalars[index..<end], to: &tokens)
      index = end
    } else if scalar == "'", let end = cliticEnd(scalars, apostrophe: index) {
      tokens.append(string(scalars[index..<end]))
      index = end
    } else {
      var end = index + 1
      while end < scalars.count, scalars[end] == scalar { end += 1 }
      tokens.append(string(scalars[index..<end]))
      index = end
    }
  }
  return tokens
}

private func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
  let properties = scalar.properties
  if properties.isAlphabetic || properties.numericType != nil { return true }
  switch properties.generalCategory {
  case .nonspacingMark, .spacingMark, .enclosingMark: return true
  default: return false
  }
}

private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
  scalar.properties.numericType == .decimal
}

/// Returns the end of the word starting at `start`, following rule 2 of `wordTokens(in:)`.
private func wordEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
  var index = start + 1
  while index < scalars.count {
    if isWordScalar(scalars[index]) {
      index += 1
      continue
    }
    guard index + 1 < scalars.count else { break }
    let previous = scalars[index - 1]
    let next = scalars[index + 1]
    let joins: Bool
    switch scalars[index] {
    case "-": joins = isWordScalar(previous) && isWordScalar(next)
    case ".", ",": joins = isDigit(previous) && isDigit(next)
    case "'": joins = previous.properties.isAlphabetic && next.properties.isAlphabetic
    default: joins = false
    }
    guard joins else { break }
    index += 2
  }
  return index
}

/// Appends `word`, split before a trailing `n't` or clitic by rule 3 of `wordTokens(in:)`.
private func appendWord(_ word: ArraySlice<Unicode.Scalar>, to tokens: inout [String]) {
  let negation: [Unicode.Scalar] = ["n", "'", "t"]
  if word.count > 3, word.suffix(3).elementsEqual(negation) {
    tokens.append(string(word.dropLast(3)))
    tokens.append("n't")
    return
  }
  if let apostrophe = word.lastIndex(of: "'"), apostrophe > word.startIndex,
    clitics.contains(string(word[(apostrophe + 1)...]))
  {
    tokens.append(string(word[..<apostrophe]))
    tokens.append(string(word[apostrophe...]))
    return
  }
  tokens.append(string(word))
}

/// Returns the end of a clitic such as `'s` that starts at the apostrophe at `index` and is followed
/// by a non-word character or the end, or nil when none starts there.
private func cliticEnd(_ scalars: [Unicode.Scalar], apostrophe index: Int) -> Int? {
  var end = index + 1
  while end < scalars.count, scalars[end].properties.isAlphabetic { end += 1 }
  guard end > index + 1, clitics.contains(string(scalars[(index + 1)..<end])) else { return nil }
  if end < scalars.count, isWordScalar(scalars[end]) { return nil }
  return end
}

private func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
  var view = String.UnicodeScalarView()
  view.append(contentsOf: scalars)
  return String(view)
}
