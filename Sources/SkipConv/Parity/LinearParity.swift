extension ParityTable {
  static func linearCases(quick: Bool) -> [ParityCase] {
    []
  }
}
