extension ParityTable {
  static func lossCases(quick: Bool) -> [ParityCase] {
    []
  }
}
