import Foundation

/// A command-line option of a subcommand: a flag (`--quick`) or an option with a value
/// (`--device gpu`, `--device=gpu`).
struct OptionSpec {
  var name: String
  var valueName: String?
  var help: String
  var defaultValue: String?
  /// Permitted values, listed in the help text and enforced at parse time.
  var choices: [String]?
  /// Whether the option may be given more than once, each value kept.
  var repeatable = false

  static func flag(_ name: String, help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, help: help)
  }

  static func value(
    _ name: String, _ valueName: String, help: String, default defaultValue: String? = nil,
    choices: [String]? = nil, repeatable: Bool = false
  ) -> OptionSpec {
    OptionSpec(
      name: name, valueName: valueName, help: help, defaultValue: defaultValue, choices: choices,
      repeatable: repeatable)
  }
}

/// A subcommand: its options, positional arguments and the function that runs it.
struct Subcommand {
  var name: String
  var abstract: String
  var discussion: String = ""
  var options: [OptionSpec]
  /// Name of the positional arguments in the usage line, or nil when none are accepted.
  var positionalName: String?
  var run: (ParsedArguments) throws -> Int32
}

/// An invalid command line; the CLI prints it with the usage line and exits with status 2.
struct UsageError: Error, CustomStringConvertible {
  var message: String
  var command: String?
  var description: String { message }
}

/// Values parsed for one subcommand, with typed accessors that raise `UsageError`.
struct ParsedArguments {
  var command: String
  var values: [String: [String]]
  var flags: Set<String>
  var positionals: [String]

  func flag(_ name: String) -> Bool { flags.contains(name) }

  func string(_ name: String) -> String? { values[name]?.last }

  func strings(_ name: String) -> [String] { values[name] ?? [] }

  /// The integer value of `--name`, checked against `range`.
  func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
    guard let text = string(name) else { return nil }
    guard let value = Int(text) else {
      throw UsageError(
        message: "invalid value '\(text)' for --\(name): expected an integer", command: command)
    }
    guard range.contains(value) else {
      throw UsageError(
        message: "invalid value \(value) for --\(name): expected \(describe(range))",
        command: command)
    }
    return value
  }

  /// The floating-point value of `--name`, checked against `range`.
  func double(_ name: String, in range: ClosedRange<Double> = -Double.infinity...Double.infinity)
    throws -> Double?
  {
    guard let text = string(name) else { return nil }
    guard let value = Double(text), value.isFinite else {
      throw UsageError(
        message: "invalid value '\(text)' for --\(name): expected a finite number",
        command: command)
    }
    guard range.contains(value) else {
      throw UsageError(
        message: "invalid value \(value) for --\(name): expected a number in "
          + "\(range.lowerBound)...\(range.upperBound)", command: command)
    }
    return value
  }

  private func describe(_ range: ClosedRange<Int>) -> String {
    if range.upperBound == Int.max {
      return "an integer of at least \(range.lowerBound)"
    }
    return "an integer in \(range.lowerBound)...\(range.upperBound)"
  }
}

/// Parses `arguments` (without the program and subcommand names) against `command`'s options.
func parse(_ arguments: [String], for command: Subcommand) throws -> ParsedArguments {
  var parsed = ParsedArguments(command: command.name, values: [:], flags: [], positionals: [])
  var index = 0
  var onlyPositionals = false
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
      if argument.hasPrefix("-"), argument.count > 1, !onlyPositionals {
        throw UsageError(message: "unknown option '\(argument)'", command: command.name)
      }
      guard command.positionalName != nil else {
        throw UsageError(message: "unexpected argument '\(argument)'", command: command.name)
      }
      parsed.positionals.append(argument)
      continue
    }
    if argument == "--" {
      onlyPositionals = true
      continue
    }
    var name = String(argument.dropFirst(2))
    var inlineValue: String?
    if let equals = name.firstIndex(of: "=") {
      inlineValue = String(name[name.index(after: equals)...])
      name = String(name[..<equals])
    }
    guard let spec = command.options.first(where: { $0.name == name }) else {
      throw UsageError(message: "unknown option '--\(name)'", command: command.name)
    }
    guard spec.valueName != nil else {
      if inlineValue != nil {
        throw UsageError(message: "option --\(name) takes no value", command: command.name)
      }
      parsed.flags.insert(name)
      continue
    }
    let value: String
    if let inlineValue {
      value = inlineValue
    } else if index < arguments.count {
      value = arguments[index]
      index += 1
    } else {
      throw UsageError(message: "missing value for option --\(name)", command: command.name)
    }
    if let choices = spec.choices, !choices.contains(value) {
      throw UsageError(
        message: "invalid value '\(value)' for --\(name): expected one of "
          + choices.joined(separator: ", "), command: command.name)
    }
    if spec.repeatable {
      parsed.values[name, default: []].append(value)
    } else {
      parsed.values[name] = [value]
    }
  }
  for spec in command.options where spec.valueName != nil && parsed.values[spec.name] == nil {
    if let defaultValue = spec.defaultValue {
      parsed.values[spec.name] = [defaultValue]
    }
  }
  return parsed
}
