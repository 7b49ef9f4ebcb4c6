// skipconv-bench: throughput of every SkipConv op on an OpenCL device beside the CPU reference,
// the device's measured peak, and whole training steps of the default model.
//
// Usage: swift run -c release skipconv-bench [--device D] [--runs N] [--reference-runs N]
//        [--quick] [--json PATH] [--filter OP]
import Foundation
import SkipConv

struct BenchmarkOptions {
  var device: DeviceSelector?
  var runs = 10
  var referenceRuns = 3
  var quick = false
  var jsonPath: String?
  var filters: [String] = []
}

func parseOptions(_ arguments: [String]) -> BenchmarkOptions {
  var options = BenchmarkOptions()
  var index = 0
  func value() -> String {
    index += 1
    guard index < arguments.count else { fail("missing value for \(arguments[index - 1])") }
    return arguments[index]
  }
  func count(_ text: String, minimum: Int) -> Int {
    guard let number = Int(text), number >= minimum else {
      fail("invalid count '\(text)': expected an integer of at least \(minimum)")
    }
    return number
  }
  while index < arguments.count {
    switch arguments[index] {
    case "--device": options.device = DeviceSelector(parsing: value())
    case "--runs": options.runs = count(value(), minimum: 1)
    case "--reference-runs": options.referenceRuns = count(value(), minimum: 0)
    case "--quick": options.quick = true
    case "--json": options.jsonPath = value()
    case "--filter": options.filters.append(value())
    case "--help", "-h":
      print(
        """
        usage: skipconv-bench [--device D] [--runs N] [--reference-runs N] [--quick]
                              [--json PATH] [--filter OP]
          --runs N            timed runs per OpenCL row after warm-up (default 10)
          --reference-runs N  timed runs per CPU reference row; 0 skips the reference, which
                              takes most of the time on large shapes (default 3)
          --quick             fewer shapes
          --json PATH         also write every result as JSON
          --filter OP         only rows whose op contains OP (repeatable)
        """)
      exit(0)
    default: fail("unknown option '\(arguments[index])'; see --help")
    }
    index += 1
  }
  return options
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("skipconv-bench: error: \(message)\n".utf8))
  exit(2)
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
do {
  try runBenchmarks(options)
} catch {
  FileHandle.standardError.write(Data("skipconv-bench: error: \(error)\n".utf8))
  exit(1)
}
