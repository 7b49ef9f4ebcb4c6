extension ParityTable {
  static func conv1dCases(quick: Bool) -> [ParityCase] {
    []
  }
}
