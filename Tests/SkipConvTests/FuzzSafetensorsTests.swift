import Foundation
import XCTest

@testable import SkipConv

/// Fuzzes the safetensors reader with seeded mutations of valid files, and replays the corpus of
/// stored inputs.
///
/// Environment variables:
/// - `SKIPCONV_FUZZ_ITERATIONS`: number of inputs (default 100000).
/// - `SKIPCONV_FUZZ_SEED`: mutation seed (default fixed, so every run reads the same inputs).
/// - `SKIPCONV_FUZZ_CORPUS_OUT`: folder to write the smallest input of each error kind to.
/// - `SKIPCONV_FUZZ_TRACE`: file to write each input to before it is read. A crash then leaves
///   the crashing input there, to be stored in the corpus as `crash-<kind>-<n>.safetensors`.
final class FuzzSafetensorsTests: XCTestCase {
  private static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// Returns the valid files to mutate: random tensors of every dtype, plus the reference files.
  private func seedFiles() throws -> [[UInt8]] {
    var generator = SeededGenerator(seed: 0xF022_0002)
    var seeds = try (0..<12).map { _ in
      try CheckpointFixtures.randomFile(&generator, maximumTensors: 5).serialized()
    }
    for name in ["valid-reference-mixed.safetensors", "valid-reference-metadata.safetensors"] {
      let url = CheckpointFixtures.corpusFolder.appendingPathComponent(name)
      seeds.append(try Array(Data(contentsOf: url)))
    }
    return seeds
  }

  /// Checks what the reader returned against the input it came from.
  private func checkAccepted(_ file: SafetensorsFile, input: [UInt8], index: Int) throws {
    let headerLength = input[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    let dataLength = file.tensors.values.reduce(0) { $0 + $1.bytes.count }
    XCTAssertEqual(8 + headerLength + dataLength, input.count, "input \(index)")
    for (name, tensor) in file.tensors {
      let count = tensor.shape.reduce(1, *)
      XCTAssertEqual(tensor.bytes.count, count * tensor.dtype.byteSize, "input \(index) \(name)")
    }
    let again = try SafetensorsFile(bytes: try file.serialized(), file: "re-encoded input \(index)")
    XCTAssertEqual(again, file, "input \(index): re-encoding changed the contents")
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }

  func testMutatedFilesNeverCrashReader() throws {
    let iterations = Int(Self.environment["SKIPCONV_FUZZ_ITERATIONS"] ?? "") ?? 100_000
    let seed = UInt64(Self.environment["SKIPCONV_FUZZ_SEED"] ?? "") ?? 0x5AFE_7E45
    let trace = Self.environment["SKIPCONV_FUZZ_TRACE"].map(URL.init(fileURLWithPath:))
    var mutator = SafetensorsMutator(seed: seed, seeds: try seedFiles())
    var counts: [SafetensorsError.Kind: Int] = [:]
    var smallest: [SafetensorsError.Kind: [UInt8]] = [:]
    var accepted = 0
    let clock = ContinuousClock()
    var readerTime = Duration.zero
    let start = clock.now
    for index in 0..<iterations {
      let input = mutator.next()
      if let trace {
        try Data(input).write(to: trace)
      }
      let readStart = clock.now
      do {
        let file: SafetensorsFile
        defer { readerTime += clock.now - readStart }
        file = try SafetensorsFile(bytes: input, file: "fuzz input \(index)")
        accepted += 1
        try checkAccepted(file, input: input, index: index)
      } catch let error as SafetensorsError {
        counts[error.kind, default: 0] += 1
        if input.count < smallest[error.kind]?.count ?? Int.max {
          smallest[error.kind] = input
        }
      } catch {
        XCTFail("input \(index) raised \(type(of: error)), not SafetensorsError: \(error)")
      }
    }
    let seconds = Self.seconds(clock.now - start)
    let summary = counts.sorted { $0.key.rawValue < $1.key.rawValue }
      .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    print(
      "fuzzed \(iterations) inputs (seed \(seed)) in \(String(format: "%.1f", seconds)) s, "
        + "\(String(format: "%.1f", Self.seconds(readerTime))) s of it reading, "
        + "\(Int(Double(iterations) / seconds)) inputs per second: \(accepted) accepted; \(summary)"
    )

    if let folder = Self.environment["SKIPCONV_FUZZ_CORPUS_OUT"] {
      for (kind, input) in smallest {
        let url = URL(fileURLWithPath: folder).appendingPathComponent(
          "\(kind.rawValue).safetensors")
        try Data(input).write(to: url)
      }
    }
    // The mutations are meant to reach every reader check; a kind that never shows up means a
    // mutation stopped working or a check became unreachable.
    let missing = SafetensorsError.Kind.allCases.filter { $0.isReaderKind && counts[$0] == nil }
    if iterations >= 100_000 {
      XCTAssertEqual(missing, [], "error kinds the fuzzer never produced")
      XCTAssertGreaterThan(accepted, 0, "no mutated input was accepted")
    }
  }

  /// Returns the expected outcome encoded in a corpus file name: `valid`, or an error kind,
  /// optionally after `crash-` and before `-<detail>`.
  private func expectedOutcome(ofCorpusFile name: String) -> String {
    var stem = name.replacingOccurrences(of: ".safetensors", with: "")
    if stem.hasPrefix("crash-") {
      stem.removeFirst("crash-".count)
    }
    return String(stem.split(separator: "-").first ?? "")
  }

  func testCorpusInputsGiveExpectedOutcome() throws {
    let folder = CheckpointFixtures.corpusFolder
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".safetensors") }.sorted()
    var covered = Set<SafetensorsError.Kind>()
    for name in names {
      let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(name)))
      let expected = expectedOutcome(ofCorpusFile: name)
      if expected == "valid" {
        XCTAssertNoThrow(try SafetensorsFile(bytes: bytes, file: name), name)
        continue
      }
      guard let kind = SafetensorsError.Kind(rawValue: expected) else {
        XCTFail("\(name): the name does not start with valid or an error kind")
        continue
      }
      covered.insert(kind)
      XCTAssertThrowsError(try SafetensorsFile(bytes: bytes, file: name), name) { error in
        XCTAssertEqual((error as? SafetensorsError)?.kind, kind, "\(name): \(error)")
      }
    }
    let missing = SafetensorsError.Kind.allCases.filter { $0.isReaderKind && !covered.contains($0) }
    XCTAssertEqual(missing, [], "reader error kinds without a corpus input")
  }
}
