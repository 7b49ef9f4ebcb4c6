extension ParityTable {
  static func elementwiseCases(quick: Bool) -> [ParityCase] {
    []
  }
}
