/// The parity cases of every op, assembled from each op group's table.
enum ParityTable {
  static func all(quick: Bool) -> [ParityCase] {
    conv1dCases(quick: quick) + projectionCases(quick: quick) + elementwiseCases(quick: quick)
      + embeddingCases(quick: quick) + poolingCases(quick: quick) + linearCases(quick: quick)
      + lossCases(quick: quick) + optimizerCases(quick: quick)
  }
}
