import Foundation

/// Generates the help text of the tool and of each subcommand from their specifications.
enum Help {
  static func toolHelp(_ commands: [Subcommand]) -> String {
    var text = """
      skipconv: train residual and highway 1-D convolutional text classifiers on OpenCL devices.

      USAGE: skipconv <subcommand> [options]

      SUBCOMMANDS:

      """
    let width = (commands.map(\.name.count).max() ?? 0) + 2
    for command in commands {
      text += "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0)
        + command.abstract + "\n"
    }
    text += "\nRun 'skipconv <subcommand> --help' for the options of one subcommand.\n"
    return text
  }

  static func usageLine(_ command: Subcommand) -> String {
    var line = "USAGE: skipconv \(command.name)"
    if !command.options.isEmpty {
      line += " [options]"
    }
    if let positional = command.positionalName {
      line += " [\(positional) ...]"
    }
    return line
  }

  static func commandHelp(_ command: Subcommand) -> String {
    var text = command.abstract + "\n\n" + usageLine(command) + "\n"
    if !command.discussion.isEmpty {
      text += "\n" + command.discussion + "\n"
    }
    text += "\nOPTIONS:\n"
    let rows = command.options.map { option -> (String, String) in
      var left = "--\(option.name)"
      if let valueName = option.valueName {
        left += " <\(valueName)>"
      }
      var right = option.help
      if let choices = option.choices {
        right += " (one of: \(choices.joined(separator: ", ")))"
      }
      if let defaultValue = option.defaultValue {
        right += " (default: \(defaultValue))"
      }
      return (left, right)
    } + [("--help", "Show this help.")]
    let width = min((rows.map(\.0.count).max() ?? 0) + 2, 30)
    for (left, right) in rows {
      if left.count + 2 > width {
        text += "  \(left)\n" + String(repeating: " ", count: width + 2) + right + "\n"
      } else {
        text += "  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + right + "\n"
      }
    }
    return text
  }
}
