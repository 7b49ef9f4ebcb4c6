// libFuzzer entry point for the safetensors reader, built by scripts/fuzz-safetensors.sh together
// with Sources/SkipConv/Checkpoint/*.swift into one module.

/// Reads one input and traps when the reader crashes, raises anything but `SafetensorsError`, or
/// returns tensors that do not add up to the input, so that libFuzzer records the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensorsReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  do {
    let file = try SafetensorsFile(bytes: bytes, file: "fuzz input")
    var headerLength = 0
    for index in (0..<8).reversed() {
      headerLength = headerLength << 8 | Int(bytes[index])
    }
    let dataLength = file.tensors.values.reduce(0) { $0 + $1.bytes.count }
    precondition(8 + headerLength + dataLength == bytes.count, "tensor bytes do not add up")
    for tensor in file.tensors.values {
      let count = tensor.shape.reduce(1, *)
      precondition(tensor.bytes.count == count * tensor.dtype.byteSize, "inconsistent tensor")
    }
    let again = try SafetensorsFile(bytes: try file.serialized(), file: "re-encoded input")
    precondition(again == file, "re-encoding changed the contents")
  } catch is SafetensorsError {
    return 0
  } catch {
    fatalError("untyped error: \(error)")
  }
  return 0
}
