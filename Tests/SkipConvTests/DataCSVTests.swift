import Foundation
import XCTest

@testable import SkipConv

/// RFC 4180 parsing, line endings, byte order marks, long lines and text cleaning.
final class DataCSVTests: XCTestCase {
  private func read(_ text: String, name: String = "rows.csv", options: ReadOptions = ReadOptions())
    throws -> ReadResult
  {
    let folder = try TemporaryFolder()
    return try DatasetReader.read(try folder.write(name, text), options: options)
  }

  func testQuotedFieldsAndDoubledQuotes() throws {
    let result = try read(
      "\"1\",\"He said \"\"hi\"\"\",\"a, b and c\"\n2,plain title,\"\"\"quoted\"\" start\"\n")
    XCTAssertEqual(result.examples.count, 2)
    XCTAssertEqual(result.examples[0].label, "1")
    XCTAssertEqual(result.examples[0].text, "He said \"hi\" a, b and c")
    XCTAssertEqual(result.examples[1].label, "2")
    XCTAssertEqual(result.examples[1].text, "plain title \"quoted\" start")
  }

  func testEmbeddedNewlinesKeepLineNumbers() throws {
    let text =
      "\"1\",\"title\",\"first line\nsecond line\nthird\"\n\"2\",\"next\",\"row\"\n"
      + "\"3\",\"last\",\"one\"\n"
    let result = try read(text, options: ReadOptions(cleaning: TextCleaning.none))
    XCTAssertEqual(result.examples.map(\.line), [1, 4, 5])
    XCTAssertEqual(result.examples[0].text, "title first line\nsecond line\nthird")
  }

  func testCRLFAndLFMix() throws {
    let result = try read("\"1\",\"a\",\"b\"\r\n\"2\",\"c\",\"d\"\n3,e,f\r\n4,g,\"h\r\ni\"\r\n")
    XCTAssertEqual(result.examples.map(\.label), ["1", "2", "3", "4"])
    XCTAssertEqual(result.examples.map(\.text), ["a b", "c d", "e f", "g h i"])
    XCTAssertFalse(result.examples.contains { $0.text.contains("\r") || $0.label.contains("\r") })
    XCTAssertEqual(result.examples.map(\.line), [1, 2, 3, 4])
  }

  func testByteOrderMark() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write(
      "bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("\"1\",\"x\",\"y\"\n\"2\",\"z\",\"w\"".utf8))
    let result = try DatasetReader.read(file)
    XCTAssertEqual(result.examples.map(\.label), ["1", "2"])
    XCTAssertEqual(result.examples.map(\.line), [1, 2])
    let tsv = try folder.write(
      "bom.tsv", bytes: [0xEF, 0xBB, 0xBF] + Array("sentence\tlabel\r\ngood film \t1\r\n".utf8))
    let tsvResult = try DatasetReader.read(tsv)
    XCTAssertEqual(tsvResult.report.header, "sentence\tlabel")
    XCTAssertEqual(
      tsvResult.examples,
      [
        LabelledExample(label: "1", text: "good film", sourceFile: tsv.path, line: 2)
      ])
  }

  func testBlankLinesAndMissingFinalNewline() throws {
    let result = try read("\n1,a,b\n\n\r\n2,c,d")
    XCTAssertEqual(result.examples.map(\.line), [2, 5])
    XCTAssertEqual(result.report.rowsRead, 2)
  }

  func testLenientQuotesAndHeader() throws {
    let result = try read("class,title,description\n1,say \"x\" now,\"quoted\"tail\n")
    XCTAssertEqual(result.report.header, "class,title,description")
    XCTAssertEqual(result.examples.count, 1)
    XCTAssertEqual(result.examples[0].text, "say \"x\" now quotedtail")
    XCTAssertEqual(result.examples[0].line, 2)
  }

  func testTwoColumnCSV() throws {
    let result = try read("pos,\"a fine film\"\nneg,dull\n")
    XCTAssertEqual(result.examples.map(\.label), ["pos", "neg"])
    XCTAssertEqual(result.examples.map(\.text), ["a fine film", "dull"])
  }

  func testLatin1BytesInCSV() throws {
    let folder = try TemporaryFolder()
    let bytes = Array("1,caf".utf8) + [0xE9] + Array(",na\u{EF}ve\n".utf8)
    let result = try DatasetReader.read(try folder.write("latin.csv", bytes: bytes))
    XCTAssertEqual(result.examples[0].text, "café naïve")
    XCTAssertEqual(result.report.rowsWithLatin1, 1)
  }

  func testDecodeTextMixesUTF8AndLatin1() {
    let bytes: [UInt8] =
      Array("é ".utf8) + [0xF0, 0x63] + [0xE2, 0x82, 0xAC] + [0xC0, 0xAF, 0xED, 0xA0]
    let decoded = decodeText(bytes[...])
    XCTAssertTrue(decoded.usedLatin1)
    XCTAssertEqual(decoded.text, "é \u{F0}c€\u{C0}\u{AF}\u{ED}\u{A0}")
    XCTAssertEqual(decodeText(Array("plain ü".utf8)[...]).text, "plain ü")
    XCTAssertFalse(decodeText(Array("plain ü".utf8)[...]).usedLatin1)
  }

  func testTSVColumnOrder() throws {
    let sstStyle = try read("a good film \t1\nbad \t0\nsome dull , long thing \t0\n", name: "a.tsv")
    XCTAssertEqual(sstStyle.examples.map(\.label), ["1", "0", "0"])
    XCTAssertEqual(sstStyle.examples[1].text, "bad")
    let labelFirst = try read("pos\tgreat\nneg\tawful film\nneg\tdull\n", name: "b.tsv")
    XCTAssertEqual(labelFirst.examples.map(\.label), ["pos", "neg", "neg"])
    let header = try read("text\tlabel\ngreat\tpos\nawful\tneg\n", name: "c.tsv")
    XCTAssertEqual(header.report.header, "text\tlabel")
    XCTAssertEqual(header.examples.map(\.label), ["pos", "neg"])
    let forced = try read("great\tpos\n", name: "d.tsv", options: ReadOptions(labelColumn: .last))
    XCTAssertEqual(forced.examples[0].label, "pos")
  }

  func testTRECAndFastTextRows() throws {
    let trec = try read(
      "NUM:dist How far is it ?\r\nHUM:ind Who wrote `` Hamlet '' ?\n", name: "q.label")
    XCTAssertEqual(trec.examples.map(\.label), ["NUM", "HUM"])
    XCTAssertEqual(trec.examples[0].text, "How far is it ?")
    let fast = try read(
      "__label__sports __label__news Team wins   again\n__label__tech  New chip\n", name: "f.ft")
    XCTAssertEqual(fast.examples.map(\.label), ["sports", "tech"])
    XCTAssertEqual(fast.examples.map(\.text), ["Team wins again", "New chip"])
  }

  func testAGNewsCleaningRules() {
    let cases: [(String, String)] = [
      ("Bush #39;s plan isn #39;t new", "Bush's plan isn't new"),
      ("said  quot;no quot; today", "said \"no\" today"),
      ("costs  #36;5 or \\$6", "costs $5 or $6"),
      ("dwindling\\band social\\network", "dwindling band social network"),
      ("end.\\\\Next paragraph", "end. Next paragraph"),
      ("Johnson  amp; Johnson &amp; Co", "Johnson & Johnson & Co"),
      ("Gaza &lt;b&gt;...&lt;/b&gt;", "Gaza ..."),
      ("Dell Inc. &lt;DELL.O&gt;", "Dell Inc. <DELL.O>"),
      ("It #146;s a race  #151; fast", "It’s a race — fast"),
      ("keep 2; and #x;", "keep 2; and #x;"),
      ("  spaced \t out  ", "spaced out"),
    ]
    for (input, expected) in cases {
      XCTAssertEqual(TextCleaning.agNews.apply(input), expected, input)
    }
    XCTAssertEqual(TextCleaning.none.apply("  a \\$ b  "), "a \\$ b")
  }

  func testTenMegabyteLines() throws {
    var generator = SeededGenerator(seed: 41)
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    var words: [String] = []
    var size = 0
    while size < 10_000_000 {
      let word = String(
        (0..<(2 + Int(generator.next() % 9))).map { _ in
          letters[Int(generator.next() % 26)]
        })
      words.append(word)
      size += word.utf8.count + 1
    }
    let text = words.joined(separator: " ")
    let formats: [(String, String)] = [
      ("long.csv", "\"2\",\"title\",\"\(text)\"\n1,short,row\n"),
      ("long.tsv", "\(text) \t1\nshort row \t0\n"),
      ("long.label", "LOC:other \(text)\nNUM:date When ?\n"),
      ("long.ft", "__label__x \(text)\n__label__y short row\n"),
    ]
    let folder = try TemporaryFolder()
    for (name, contents) in formats {
      let start = Date()
      let result = try DatasetReader.read(try folder.write(name, contents))
      let seconds = Date().timeIntervalSince(start)
      XCTAssertEqual(result.examples.count, 2, name)
      XCTAssertEqual(
        result.examples[0].text.utf8.count, text.utf8.count + (name == "long.csv" ? 6 : 0), name)
      XCTAssertTrue(result.examples[0].text.hasSuffix(text), name)
      XCTAssertEqual(result.examples[1].line, 2, name)
      XCTAssertLessThan(seconds, 60, "\(name) took \(seconds) s for a 10 MB line")
    }
  }
}
