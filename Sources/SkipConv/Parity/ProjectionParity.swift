extension ParityTable {
  static func projectionCases(quick: Bool) -> [ParityCase] {
    []
  }
}
