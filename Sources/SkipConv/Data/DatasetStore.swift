import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The folder that stores downloaded datasets, and the download of missing files.
///
/// File `f` of dataset `d` lives at `<directory>/<d>/<f>`. A missing file is downloaded to a
/// temporary file in the same folder, checked against its published SHA-256, and renamed into
/// place, so a failed or corrupted download never leaves a file under the final name.
public struct DatasetStore: Sendable {
  public var directory: URL
  /// A base URL that replaces the published locations: file `f` of dataset `d` is fetched from
  /// `<mirror>/<d>/<f>`. Tests use it to serve files from a local server.
  public var mirror: URL?
  /// Seconds a download may wait to connect, or for more data, before it fails; set by
  /// `$SKIPCONV_DOWNLOAD_TIMEOUT`.
  public var timeout: TimeInterval = 60

  /// Creates a store in `directory` (default: `defaultDirectory(environment:)`), downloading from
  /// `mirror` (default: `$SKIPCONV_DATA_MIRROR`, else the published URLs) with the timeout
  /// `$SKIPCONV_DOWNLOAD_TIMEOUT` (seconds, default 60).
  public init(
    directory: URL? = nil, mirror: URL? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    self.directory = directory ?? Self.defaultDirectory(environment: environment)
    if let mirror {
      self.mirror = mirror
    } else if let text = environment["SKIPCONV_DATA_MIRROR"], !text.isEmpty {
      guard let url = URL(string: text), url.scheme != nil else {
        throw DataError.invalidOption(
          "invalid SKIPCONV_DATA_MIRROR '\(text)': expected a base URL such as "
            + "http://127.0.0.1:8000")
      }
      self.mirror = url
    }
    if let text = environment["SKIPCONV_DOWNLOAD_TIMEOUT"], !text.isEmpty {
      guard let seconds = TimeInterval(text), seconds > 0, seconds.isFinite else {
        throw DataError.invalidOption(
          "invalid SKIPCONV_DOWNLOAD_TIMEOUT '\(text)': expected a positive number of seconds "
            + "such as 60")
      }
      timeout = seconds
    }
  }

  /// `$SKIPCONV_DATA`, else `$XDG_CACHE_HOME/skipconv`, else `~/.cache/skipconv`; empty variables
  /// count as unset.
  public static func defaultDirectory(environment: [String: String]) -> URL {
    if let path = environment["SKIPCONV_DATA"], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
      return URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("skipconv")
    }
    let home =
      environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? FileManager.default.homeDirectoryForCurrentUser.path
    return URL(fileURLWithPath: home, isDirectory: true)
      .appendingPathComponent(".cache").appendingPathComponent("skipconv")
  }

  /// Returns the path at which `file` of `dataset` is stored.
  public func localURL(of file: DatasetFile, in dataset: DatasetDescriptor) -> URL {
    directory.appendingPathComponent(dataset.name).appendingPathComponent(file.name)
  }

  /// Returns the URL that `file` of `dataset` is downloaded from: the mirror if set, else its
  /// published URL.
  public func downloadURL(of file: DatasetFile, in dataset: DatasetDescriptor) -> URL {
    guard let mirror else { return file.url }
    return mirror.appendingPathComponent(dataset.name).appendingPathComponent(file.name)
  }

  /// Downloads each file of `dataset` that is not yet stored; returns the dataset's folder.
  /// Files already present are not checked again: call `verify` for that.
  @discardableResult
  public func prepare(_ dataset: DatasetDescriptor) throws -> URL {
    for file in dataset.files
    where !FileManager.default.fileExists(atPath: localURL(of: file, in: dataset).path) {
      try download(file, of: dataset)
    }
    return directory.appendingPathComponent(dataset.name)
  }

  /// Checks the SHA-256 of every stored file of `dataset`, raising `checksumMismatch` (naming the
  /// local file) for the first that differs and `fileNotFound` for a missing one.
  public func verify(_ dataset: DatasetDescriptor) throws {
    for file in dataset.files {
      let url = localURL(of: file, in: dataset)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw DataError.fileNotFound(path: url.path)
      }
      let actual = try SHA256.hexDigest(ofFile: url)
      guard actual == file.sha256 else {
        throw DataError.checksumMismatch(url: url.path, expected: file.sha256, actual: actual)
      }
    }
  }

  /// Downloads `file` of `dataset`, verifies its SHA-256 and renames it into place, replacing any
  /// stored copy. A checksum mismatch deletes the download and raises `checksumMismatch`.
  @discardableResult
  public func download(_ file: DatasetFile, of dataset: DatasetDescriptor) throws -> URL {
    let source = downloadURL(of: file, in: dataset)
    let destination = localURL(of: file, in: dataset)
    let folder = destination.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw DataError.unreadable(path: folder.path, reason: error.localizedDescription)
    }
    let data: Data
    do {
      data = try fetch(source)
    } catch let error as PlainHTTPError {
      throw DataError.downloadFailed(
        url: source.absoluteString,
        reason: error.reason + manualAdvice(error, file, folder: folder))
    }
    let temporary = folder.appendingPathComponent(".\(file.name).\(UUID().uuidString).download")
    do {
      try data.write(to: temporary)
    } catch {
      throw DataError.unreadable(path: temporary.path, reason: error.localizedDescription)
    }
    let actual = try SHA256.hexDigest(ofFile: temporary)
    guard actual == file.sha256 else {
      try? FileManager.default.removeItem(at: temporary)
      throw DataError.checksumMismatch(
        url: source.absoluteString, expected: file.sha256, actual: actual)
    }
    guard rename(temporary.path, destination.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw DataError.unreadable(path: destination.path, reason: "rename failed: \(reason)")
    }
    return destination
  }

  private func manualAdvice(_ error: PlainHTTPError, _ file: DatasetFile, folder: URL)
    -> String
  {
    let check =
      error.reason.hasPrefix("HTTP status")
      ? "check that the server serves the file" : "check the network connection"
    return "; \(check), or download \(file.url.absoluteString) by hand and put it into "
      + "\(folder.path) as \(file.name)"
  }

  /// Fetches `url` with one GET request, raising `PlainHTTPError` unless the status is 200.
  /// `http://` URLs, such as a local mirror, use `PlainHTTPClient`, which waits without using
  /// CPU time.
  private func fetch(_ url: URL) throws -> Data {
    if url.scheme == "http" {
      return try PlainHTTPClient(timeout: timeout).get(url)
    }
    // NOTE: URLSession on Linux (FoundationNetworking, Swift 6.3.1) keeps one core busy while it
    // waits for a response, so a stalled https server costs CPU time until `timeout`.
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let outcome = FetchOutcome(timeout: timeout)
    let task = session.dataTask(with: url) { data, response, error in
      outcome.complete(data: data, response: response, error: error)
    }
    task.resume()
    return try outcome.wait().get()
  }
}

/// The result of one data task, handed from URLSession's delegate queue to the waiting caller.
private final class FetchOutcome: @unchecked Sendable {
  private let semaphore = DispatchSemaphore(value: 0)
  private let timeout: TimeInterval
  private var result: Result<Data, PlainHTTPError> = .failure(PlainHTTPError("no response"))

  init(timeout: TimeInterval) {
    self.timeout = timeout
  }

  func complete(data: Data?, response: URLResponse?, error: Error?) {
    if let error {
      result = .failure(PlainHTTPError(reason(for: error)))
    } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
      result = .failure(PlainHTTPError("HTTP status \(http.statusCode)"))
    } else if let data {
      result = .success(data)
    } else {
      result = .failure(PlainHTTPError("the response has no body"))
    }
    semaphore.signal()
  }

  /// Turns the common URL errors into plain words; others keep Foundation's description.
  private func reason(for error: Error) -> String {
    guard let code = (error as? URLError)?.code else { return error.localizedDescription }
    switch code {
    case .timedOut: return "timed out after \(formatSeconds(timeout)) s"
    case .cannotConnectToHost: return "connection refused"
    case .cannotFindHost, .dnsLookupFailed: return "host not found"
    case .notConnectedToInternet, .networkConnectionLost: return "no network connection"
    default: return error.localizedDescription
    }
  }

  /// Blocks until `complete` runs; the semaphore orders the write to `result` before this read.
  func wait() -> Result<Data, PlainHTTPError> {
    semaphore.wait()
    return result
  }
}
