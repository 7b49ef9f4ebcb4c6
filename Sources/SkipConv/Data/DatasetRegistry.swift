import Foundation

/// A split of a dataset.
public enum DatasetSplit: String, Codable, CaseIterable, Sendable {
  case train
  case validation
  case test
}

/// One published file of a dataset: its name, where it is downloaded from, and its checksum.
public struct DatasetFile: Equatable, Sendable {
  public let name: String
  public let url: URL
  /// The lower-case hexadecimal SHA-256 of the published file.
  public let sha256: String
  public let byteCount: Int
}

/// A registered dataset: its files, its format and the file of each split.
public struct DatasetDescriptor: Equatable, Sendable {
  public let name: String
  public let format: DatasetFormat
  /// Every file to download, including auxiliary ones such as AG News `classes.txt`.
  public let files: [DatasetFile]
  /// The file name of each split the dataset publishes.
  public let splitFiles: [DatasetSplit: String]
  /// The publication that introduced the dataset.
  public let citation: String

  /// Returns the file of `split`, raising `DataError.missingSplit` when it has none.
  public func file(for split: DatasetSplit) throws -> DatasetFile {
    guard let fileName = splitFiles[split], let file = files.first(where: { $0.name == fileName })
    else {
      throw DataError.missingSplit(dataset: name, split: split.rawValue)
    }
    return file
  }
}

/// The built-in datasets `sst2`, `trec` and `ag_news`.
///
/// AG News is registered with only its published test split (`test.csv`, 7,600 rows), because
/// the 29 MB `train.csv` is not part of the stored copy. Its `train` split is therefore
/// `test.csv`, and training on `ag_news` holds out a seeded fraction of it for evaluation
/// (`DatasetLoader` does this whenever a dataset has no validation file). Results on it are not
/// comparable to results on the canonical 120,000-row training split.
public enum DatasetRegistry {
  public static let all: [DatasetDescriptor] = [sst2, trec, agNews]

  public static var names: [String] { all.map(\.name) }

  /// Returns the dataset named `name`, raising `DataError.unknownDataset` for any other name.
  public static func descriptor(named name: String) throws -> DatasetDescriptor {
    guard let descriptor = descriptor(ifNamed: name) else {
      throw DataError.unknownDataset(name: name, known: names)
    }
    return descriptor
  }

  /// Returns the dataset named `name`, or nil.
  public static func descriptor(ifNamed name: String) -> DatasetDescriptor? {
    all.first { $0.name == name }
  }

  /// Stanford Sentiment Treebank, binary, in the SentEval split of `PrincetonML/SIF`:
  /// `text<SPACE><TAB>label` lines, 67,349 train, 872 dev and 1,821 test rows.
  static let sst2 = DatasetDescriptor(
    name: "sst2", format: .tsv,
    files: [
      file(
        "sentiment-train", sst2Base, 3_806_066,
        "10a92a297ec38e262386e5a2713b4bc70e5d18ced88b7f54bd171a26e5b34ab5"),
      file(
        "sentiment-dev", sst2Base, 94_916,
        "9a6c7403b71a9b762158387afe4431253ae10cdfb2319b5275289f3766f48291"),
      file(
        "sentiment-test", sst2Base, 194_788,
        "4fefd1cd67526cf87ebc7fafc3afc21cc7cfa6ae53b45e74f77f9456e3c62752"),
    ],
    splitFiles: [.train: "sentiment-train", .validation: "sentiment-dev", .test: "sentiment-test"],
    citation: "Socher et al. 2013, Recursive Deep Models for Semantic Compositionality Over a "
      + "Sentiment Treebank, EMNLP")

  /// TREC question classification (Li and Roth 2002): 5,452 training and 500 test questions.
  static let trec = DatasetDescriptor(
    name: "trec", format: .trec,
    files: [
      file(
        "train_5500.label", trecBase, 335_858,
        "9e4c8bdcaffb96ed61041bd64b564183d52793a8e91d84fc3a8646885f466ec3"),
      file(
        "TREC_10.label", trecBase, 23_354,
        "033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e"),
    ],
    splitFiles: [.train: "train_5500.label", .test: "TREC_10.label"],
    citation: "Li and Roth 2002, Learning Question Classifiers, COLING")

  /// AG News (Zhang, Zhao and LeCun 2015), test split only: 7,600 rows, 1,900 per class.
  static let agNews = DatasetDescriptor(
    name: "ag_news", format: .csv,
    files: [
      file(
        "test.csv", agNewsBase, 1_857_427,
        "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699"),
      file(
        "classes.txt", agNewsBase, 31,
        "612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5"),
    ],
    splitFiles: [.train: "test.csv"],
    citation: "Zhang, Zhao and LeCun 2015, Character-level Convolutional Networks for Text "
      + "Classification, NIPS")

  private static let sst2Base = "https://raw.githubusercontent.com/PrincetonML/SIF/master/data/"
  private static let trecBase = "https://cogcomp.seas.upenn.edu/Data/QA/QC/"
  private static let agNewsBase =
    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"

  private static func file(_ name: String, _ base: String, _ byteCount: Int, _ sha256: String)
    -> DatasetFile
  {
    DatasetFile(name: name, url: URL(string: base + name)!, sha256: sha256, byteCount: byteCount)
  }
}
