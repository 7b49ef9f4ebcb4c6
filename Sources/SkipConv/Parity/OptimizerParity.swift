extension ParityTable {
  static func optimizerCases(quick: Bool) -> [ParityCase] {
    []
  }
}
