/// Element types of the safetensors format, spelled as its header spells them.
///
/// The cases follow the declaration order of `Dtype` in the reference implementation
/// (huggingface/safetensors, `safetensors/src/tensor.rs`). Its writer places tensors in descending
/// order of that declaration, which puts the wider types first, and `SafetensorsFile` does the
/// same so that both write identical bytes. The sub-byte types `F4`, `F6_E2M3` and `F6_E3M2` are
/// not supported and read as unknown.
public enum SafetensorsDType: String, CaseIterable, Sendable {
  case bool = "BOOL"
  case uint8 = "U8"
  case int8 = "I8"
  case float8E5M2 = "F8_E5M2"
  case float8E4M3 = "F8_E4M3"
  case float8E8M0 = "F8_E8M0"
  case float8E4M3FNUZ = "F8_E4M3FNUZ"
  case float8E5M2FNUZ = "F8_E5M2FNUZ"
  case int16 = "I16"
  case uint16 = "U16"
  case float16 = "F16"
  case bfloat16 = "BF16"
  case int32 = "I32"
  case uint32 = "U32"
  case float32 = "F32"
  case complex64 = "C64"
  case float64 = "F64"
  case int64 = "I64"
  case uint64 = "U64"

  /// Size of one element in bytes.
  public var byteSize: Int {
    switch self {
    case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ,
      .float8E5M2FNUZ:
      return 1
    case .int16, .uint16, .float16, .bfloat16:
      return 2
    case .int32, .uint32, .float32:
      return 4
    case .complex64, .float64, .int64, .uint64:
      return 8
    }
  }

  /// Position in the reference declaration order; the writer sorts by it, largest first.
  var writeRank: Int {
    SafetensorsDType.allCases.firstIndex(of: self) ?? 0
  }
}
