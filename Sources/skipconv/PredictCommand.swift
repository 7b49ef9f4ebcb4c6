import Foundation
import SkipConv

let predictCommand = Subcommand(
  name: "predict",
  abstract: "Print the most probable labels of texts with a checkpoint.",
  discussion: """
    Texts come from the arguments, or one per line from stdin when none is
    given; blank stdin lines are skipped. Prints one line per text: the top
    labels with their probabilities.
    """,
  options: [
    deviceOption,
    .value("checkpoint", "FILE", help: "Checkpoint to load (required)."),
    .value("top-k", "K", help: "Labels printed per text.", default: "1"),
    .flag("json", help: "Print one JSON object per text."),
  ],
  positionalName: "TEXT"
) { arguments in
  let checkpoint = try checkpointPath(arguments)
  let topK = try arguments.int("top-k", in: 1...100_000) ?? 1
  var texts = arguments.positionals
  if texts.isEmpty {
    while let line = readLine() {
      if !line.allSatisfy(\.isWhitespace) {
        texts.append(line)
      }
    }
  }
  let backend = try openBackend(arguments)
  let classifier = try Classifier(checkpoint: checkpoint, backend: backend)
  let predictions = try classifier.predict(texts, topK: min(topK, classifier.labels.count))
  for (text, top) in zip(texts, predictions) {
    if arguments.flag("json") {
      let object: [String: Any] = [
        "text": text,
        "labels": top.map { ["label": $0.label, "probability": $0.probability] },
      ]
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    } else {
      let labels = top.map { String(format: "%@ %.4f", $0.label, $0.probability) }
      print(labels.joined(separator: "  ") + "\t" + text)
    }
  }
  return ExitStatus.success
}
