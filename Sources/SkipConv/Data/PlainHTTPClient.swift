import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal HTTP/1.0 GET over a POSIX socket, for `http://` URLs such as a local mirror.
///
/// Every wait is a blocking `poll` with a deadline, so a server that accepts the connection and
/// never replies costs no CPU time. URLSession on Linux (FoundationNetworking with libcurl, Swift
/// 6.3.1) instead keeps one core busy while it waits for a response.
struct PlainHTTPClient {
  /// Seconds that connecting, and each wait for more of the response, may take.
  var timeout: TimeInterval

  /// Returns the body of a 200 response to a GET of `url`; raises `PlainHTTPError` otherwise.
  func get(_ url: URL) throws -> Data {
    guard url.scheme == "http", let host = url.host, !host.isEmpty else {
      throw PlainHTTPError("the URL is not an http:// URL with a host")
    }
    let port = url.port ?? 80
    let socket = try connect(host: host, port: port)
    defer { close(socket) }
    let path = url.path.isEmpty ? "/" : url.path
    let query = url.query.map { "?\($0)" } ?? ""
    let request =
      "GET \(path)\(query) HTTP/1.0\r\nHost: \(host):\(port)\r\nUser-Agent: skipconv\r\n"
      + "Accept: */*\r\n\r\n"
    try send(Array(request.utf8), on: socket)
    return try parseResponse(try receiveAll(on: socket))
  }

  private func connect(host: String, port: Int) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw PlainHTTPError("host '\(host)' not found (\(String(cString: gai_strerror(status))))")
    }
    defer { freeaddrinfo(list) }

    var lastError = ECONNREFUSED
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let address = entry {
      entry = address.pointee.ai_next
      let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, 0)
      guard socket >= 0 else {
        lastError = errno
        continue
      }
      _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
      if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
        return socket
      }
      lastError = errno
      if lastError == EINPROGRESS {
        lastError = try finishConnect(socket, host: host, port: port)
        if lastError == 0 { return socket }
      }
      close(socket)
    }
    let reason = lastError == ECONNREFUSED ? "connection refused" : describe(lastError)
    throw PlainHTTPError("\(reason) by \(host) port \(port)")
  }

  /// Waits for a non-blocking connect; returns 0 or the connect error. Raises on timeout.
  private func finishConnect(_ socket: Int32, host: String, port: Int) throws -> Int32 {
    guard try wait(socket, for: Int16(POLLOUT)) else {
      close(socket)
      throw PlainHTTPError(
        "connecting to \(host) port \(port) timed out after \(formatSeconds(timeout)) s")
    }
    var error: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
    return error
  }

  /// Polls `socket` for `events` until the timeout; returns false when it passes.
  private func wait(_ socket: Int32, for events: Int16) throws -> Bool {
    var entry = pollfd(fd: socket, events: events, revents: 0)
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { return false }
      let result = poll(&entry, 1, Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up)))
      if result > 0 { return true }
      if result == 0 { return false }
      guard errno == EINTR else { throw PlainHTTPError("poll failed: \(describe(errno))") }
    }
  }

  private func send(_ bytes: [UInt8], on socket: Int32) throws {
    var sent = 0
    while sent < bytes.count {
      guard try wait(socket, for: Int16(POLLOUT)) else {
        throw PlainHTTPError("sending the request timed out after \(formatSeconds(timeout)) s")
      }
      let count = bytes.withUnsafeBufferPointer {
        Glibc.send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      if count < 0 && errno != EAGAIN && errno != EINTR {
        throw PlainHTTPError("sending the request failed: \(describe(errno))")
      }
      sent += max(count, 0)
    }
  }

  /// Reads until the server closes the connection, as HTTP/1.0 responses end.
  private func receiveAll(on socket: Int32) throws -> [UInt8] {
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      guard try wait(socket, for: Int16(POLLIN)) else {
        let received =
          response.isEmpty ? "no response" : "no more data after \(response.count) bytes"
        throw PlainHTTPError("timed out after \(formatSeconds(timeout)) s with \(received)")
      }
      let count = recv(socket, &buffer, buffer.count, 0)
      if count == 0 { return response }
      if count < 0 {
        if errno == EAGAIN || errno == EINTR { continue }
        throw PlainHTTPError("receiving the response failed: \(describe(errno))")
      }
      response += buffer[0..<count]
    }
  }

  private func parseResponse(_ response: [UInt8]) throws -> Data {
    let separator = Array("\r\n\r\n".utf8)
    guard let end = response.indices.first(where: {
      response[$0...].starts(with: separator)
    }) else {
      throw PlainHTTPError("the response ended before its headers were complete")
    }
    let head = String(decoding: response[..<end], as: UTF8.self)
    let lines = head.components(separatedBy: "\r\n")
    let fields = lines[0].split(separator: " ")
    guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else {
      throw PlainHTTPError("invalid HTTP status line '\(lines[0].prefix(80))'")
    }
    guard status == 200 else { throw PlainHTTPError("HTTP status \(status)") }
    let body = response[(end + separator.count)...]
    let lengthLine = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
    if let lengthLine, let length = Int(lengthLine.dropFirst(15).trimmingCharacters(in: .whitespaces)),
      length != body.count
    {
      throw PlainHTTPError("the response body has \(body.count) bytes, expected \(length)")
    }
    return Data(body)
  }

  private func describe(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (errno \(code))"
  }
}

/// A failed plain HTTP request; `reason` is a sentence fragment such as "connection refused".
struct PlainHTTPError: Error {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}

/// `2`, `0.5`: seconds without trailing zeros.
func formatSeconds(_ seconds: TimeInterval) -> String {
  seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
