import Foundation
import XCTest

@testable import SkipConv

/// Word and character tokenizers, vocabularies and label sets.
final class DataTokenizerTests: XCTestCase {
  func testWordTokenizerCases() {
    let cases: [(String, [String])] = [
      (
        "Don't stop, it's 10,000 dollars... well-known!",
        ["do", "n't", "stop", ",", "it", "'s", "10,000", "dollars", "...", "well-known", "!"]
      ),
      (
        "it 's a film that does n't work .",
        ["it", "'s", "a", "film", "that", "does", "n't", "work", "."]
      ),
      ("`` Hello '' , said he", ["``", "hello", "''", ",", "said", "he"]),
      ("Grew 3.5% in Q2 (2004)", ["grew", "3.5", "%", "in", "q2", "(", "2004", ")"]),
      ("O'Clock rock’n’roll", ["o'clock", "rock'n'roll"]),
      ("students' books", ["students", "'", "books"]),
      (
        "I'm we'll they'd you've we're can't",
        ["i", "'m", "we", "'ll", "they", "'d", "you", "'ve", "we", "'re", "ca", "n't"]
      ),
      ("Café ÜBER naïve", ["café", "über", "naïve"]),
      ("a\tb\nc  d", ["a", "b", "c", "d"]),
      ("'quoted' --dash-- 1-0", ["'", "quoted", "'", "--", "dash", "--", "1-0"]),
      ("end.Next 3.", ["end", ".", "next", "3", "."]),
      ("", []),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(Tokenizer.word.tokenize(text), expected, text)
    }
  }

  func testCharacterBytes() throws {
    let tokenizer = Tokenizer.characters()
    XCTAssertEqual(tokenizer.tokenize("Aé"), ["A", "\u{C3}", "\u{A9}"])
    let vocabulary = try XCTUnwrap(try tokenizer.fixedVocabulary())
    XCTAssertEqual(vocabulary.count, 258)
    XCTAssertEqual(vocabulary.encode(tokenizer.tokenize("Aé")), [0x41 + 2, 0xC3 + 2, 0xA9 + 2])
    XCTAssertNil(try Tokenizer.word.fixedVocabulary())
  }

  func testCharacterAlphabet() throws {
    let tokenizer = Tokenizer.characters(alphabet: Tokenizer.defaultAlphabet)
    XCTAssertTrue(tokenizer.lowercase)
    XCTAssertEqual(tokenizer.tokenize("Hi, Zoë!"), ["h", "i", ",", " ", "z", "o", "ë", "!"])
    let vocabulary = try XCTUnwrap(try tokenizer.fixedVocabulary())
    XCTAssertEqual(vocabulary.count, 2 + 68)
    XCTAssertEqual(
      vocabulary.encode(tokenizer.tokenize("Hi, Zoë!")), [9, 10, 39, 1, 27, 16, 1, 42])
    let keepCase = Tokenizer.characters(alphabet: "aA", lowercase: false)
    XCTAssertEqual(keepCase.tokenize("Aa"), ["A", "a"])
    XCTAssertThrowsError(try Tokenizer.characters(alphabet: "").fixedVocabulary())
  }

  func testTokenizerJSONRoundTrip() throws {
    for tokenizer in [Tokenizer.word, .characters(), .characters(alphabet: "abc")] {
      let text = try metadataJSON(tokenizer)
      XCTAssertEqual(try decodeMetadataJSON(Tokenizer.self, from: text), tokenizer, text)
    }
    XCTAssertEqual(
      try metadataJSON(Tokenizer.characters(alphabet: "ab")),
      #"{"alphabet":"ab","level":"character","lowercase":true}"#)
  }

  func testVocabularyCountsAndTies() throws {
    let texts = ["b a c a", "c a d", "e b", "a f"]
    let full = try Vocabulary.build(from: texts, tokenizer: .word)
    XCTAssertEqual(full.tokens, ["<pad>", "<unk>", "a", "b", "c", "d", "e", "f"])
    let frequent = try Vocabulary.build(from: texts, tokenizer: .word, minimumCount: 2)
    XCTAssertEqual(frequent.tokens, ["<pad>", "<unk>", "a", "b", "c"])
    let capped = try Vocabulary.build(from: texts, tokenizer: .word, maximumSize: 4)
    XCTAssertEqual(capped.tokens, ["<pad>", "<unk>", "a", "b"])
    XCTAssertEqual(capped.encode(["a", "b", "c", "<pad>"]), [2, 3, 1, 0])
    XCTAssertEqual(capped.decode([2, 0, 3, 1, 99]), ["a", "b", "<unk>", "<unk>"])
    XCTAssertEqual(capped.id(of: "zzz"), Vocabulary.unknownID)
  }

  func testVocabularyDeterminism() throws {
    var generator = SeededGenerator(seed: 23)
    let words = (0..<40).map { index in "w\(index)" }
    var texts = (0..<300).map { _ in
      (0..<(1 + Int(generator.next() % 12))).map { _ in
        words[Int(generator.next() % UInt64(words.count))]
      }.joined(separator: " ")
    }
    let reference = try Vocabulary.build(
      from: texts, tokenizer: .word, minimumCount: 2, maximumSize: 30)
    for _ in 0..<5 {
      seededShuffle(&texts, using: &generator)
      let rebuilt = try Vocabulary.build(
        from: texts, tokenizer: .word, minimumCount: 2, maximumSize: 30)
      XCTAssertEqual(rebuilt.tokens, reference.tokens)
    }
    XCTAssertEqual(reference.count, 30)
    var counts: [String: Int] = [:]
    for text in texts {
      for word in text.split(separator: " ") { counts[String(word), default: 0] += 1 }
    }
    let ranked = reference.tokens.dropFirst(2).map { counts[$0]! }
    XCTAssertEqual(ranked, ranked.sorted(by: >))
  }

  func testVocabularyJSON() throws {
    let vocabulary = try Vocabulary(tokens: ["the", "é", "\u{0}", "\"q\""])
    let text = try metadataJSON(vocabulary)
    XCTAssertEqual(try decodeMetadataJSON(Vocabulary.self, from: text), vocabulary)
    XCTAssertEqual(try decodeMetadataJSON(Vocabulary.self, from: text).id(of: "é"), 3)
    assertDataError(
      .invalidMetadata("vocabulary must start with '<pad>' and '<unk>', found [\"a\", \"b\"]")
    ) { try decodeMetadataJSON(Vocabulary.self, from: #"{"tokens":["a","b"]}"#) }
    assertDataError(.invalidMetadata("vocabulary lists token 'a' twice")) {
      try decodeMetadataJSON(Vocabulary.self, from: #"{"tokens":["<pad>","<unk>","a","a"]}"#)
    }
    XCTAssertThrowsError(try decodeMetadataJSON(Vocabulary.self, from: "{"))
  }

  func testVocabularyOptionErrors() {
    assertDataError(
      .invalidOption(
        "invalid maximum vocabulary size 2: expected 3 or more, because ids 0 and 1 are reserved "
          + "for padding and unknown tokens")
    ) { try Vocabulary.build(from: ["a"], tokenizer: .word, maximumSize: 2) }
    XCTAssertThrowsError(try Vocabulary.build(from: ["a"], tokenizer: .word, minimumCount: 0))
  }

  func testLabelSetOrder() throws {
    XCTAssertEqual(LabelSet(labels: ["10", "2", "1", "2"]).labels, ["1", "2", "10"])
    let news = LabelSet(labels: ["World", "Sports", "Business", "Sci/Tech"])
    XCTAssertEqual(news.labels, ["Business", "Sci/Tech", "Sports", "World"])
    XCTAssertEqual(news.classID(of: "World"), 3)
    XCTAssertNil(news.classID(of: "world"))
    XCTAssertEqual(LabelSet(labels: ["b", "10", "a"]).labels, ["10", "a", "b"])
  }

  func testLabelSetJSONAndUnknownLabel() throws {
    let labels = LabelSet(labels: ["NUM", "LOC", "ABBR"])
    let text = try metadataJSON(labels)
    XCTAssertEqual(text, #"{"labels":["ABBR","LOC","NUM"]}"#)
    XCTAssertEqual(try decodeMetadataJSON(LabelSet.self, from: text), labels)
    XCTAssertThrowsError(try decodeMetadataJSON(LabelSet.self, from: #"{"labels":["b","a"]}"#))
    let example = LabelledExample(label: "HUM", text: "Who ?", sourceFile: "test.label", line: 7)
    assertDataError(
      .unknownLabel(file: "test.label", line: 7, label: "HUM", known: ["ABBR", "LOC", "NUM"]),
      containing: ["test.label:7:"]
    ) { try labels.classIDs(of: [example]) }
  }

  func testSST2VocabularyIsStable() throws {
    let train = try DatasetReader.read(try testDataFile("sst2", "sentiment-dev")).examples
    let texts = train.map(\.text)
    let first = try Vocabulary.build(from: texts, tokenizer: .word, minimumCount: 2)
    let second = try Vocabulary.build(from: texts.reversed(), tokenizer: .word, minimumCount: 2)
    XCTAssertEqual(first, second)
    XCTAssertEqual(first.tokens[2...5], [".", "the", ",", "a"])
    XCTAssertTrue(first.tokens.contains("n't"))
    XCTAssertTrue(first.tokens.contains("'s"))
  }
}
