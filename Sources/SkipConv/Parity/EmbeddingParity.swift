extension ParityTable {
  static func embeddingCases(quick: Bool) -> [ParityCase] {
    []
  }
}
