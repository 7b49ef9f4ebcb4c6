extension ParityTable {
  static func poolingCases(quick: Bool) -> [ParityCase] {
    []
  }
}
