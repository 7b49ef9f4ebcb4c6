import Foundation
import COpenCL

/// The OpenCL device classes a user can select by name.
public enum DeviceType: String, CaseIterable, Sendable {
  case gpu, cpu, accelerator, other

  init(bits: cl_device_type) {
    if bits & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 {
      self = .gpu
    } else if bits & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 {
      self = .cpu
    } else if bits & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 {
      self = .accelerator
    } else {
      self = .other
    }
  }
}

/// The facts about one OpenCL device that decide whether and how to use it.
public struct DeviceInfo: Sendable {
  /// Position in the list of all devices of all platforms, as `skipconv devices` prints it.
  public var index: Int
  public var name: String
  public var vendor: String
  public var platformName: String
  public var type: DeviceType
  public var driverVersion: String
  public var deviceVersion: String
  public var openCLCVersion: String
  public var computeUnits: Int
  /// Maximum clock frequency in MHz.
  public var clockMHz: Int
  public var globalMemoryBytes: Int
  /// `CL_DEVICE_MAX_MEM_ALLOC_SIZE`: the largest single buffer the device accepts.
  public var maxAllocationBytes: Int
  public var maxWorkGroupSize: Int
  public var localMemoryBytes: Int
  public var supportsFP64: Bool
  public var supportsFP16: Bool
  public var extensions: [String]
}

/// A device found on the system: its handles and its facts.
public struct OpenCLDevice: @unchecked Sendable {
  public let platformID: cl_platform_id
  public let deviceID: cl_device_id
  public let info: DeviceInfo
}

// MARK: - Discovery

/// Lists every device of every OpenCL platform in the order the ICD loader reports them.
///
/// Throws `OpenCLError.noPlatform` when the loader finds no platform at all.
public func discoverDevices() throws -> [OpenCLDevice] {
  var platformCount: cl_uint = 0
  let status = clGetPlatformIDs(0, nil, &platformCount)
  // ocl-icd returns CL_PLATFORM_NOT_FOUND_KHR (-1001) when no driver is registered.
  if status == -1001 || (status == CL_SUCCESS && platformCount == 0) {
    throw OpenCLError.noPlatform
  }
  try checkCL(status, "clGetPlatformIDs")
  var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
  try checkCL(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")

  var devices: [OpenCLDevice] = []
  for case let platform? in platforms {
    let platformName = try platformString(platform, cl_platform_info(CL_PLATFORM_NAME))
    var deviceCount: cl_uint = 0
    let countStatus = clGetDeviceIDs(
      platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount)
    if countStatus == CL_DEVICE_NOT_FOUND { continue }
    try checkCL(countStatus, "clGetDeviceIDs")
    var ids = [cl_device_id?](repeating: nil, count: Int(deviceCount))
    try checkCL(
      clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &ids, nil),
      "clGetDeviceIDs")
    for case let id? in ids {
      let info = try readDeviceInfo(id, index: devices.count, platformName: platformName)
      devices.append(OpenCLDevice(platformID: platform, deviceID: id, info: info))
    }
  }
  return devices
}

private func readDeviceInfo(_ id: cl_device_id, index: Int, platformName: String) throws
  -> DeviceInfo
{
  let extensions = try deviceString(id, CL_DEVICE_EXTENSIONS).split(separator: " ").map(String.init)
  let fp64Config: cl_device_fp_config = try deviceValue(id, CL_DEVICE_DOUBLE_FP_CONFIG)
  let typeBits: cl_device_type = try deviceValue(id, CL_DEVICE_TYPE)
  return DeviceInfo(
    index: index,
    name: try deviceString(id, CL_DEVICE_NAME),
    vendor: try deviceString(id, CL_DEVICE_VENDOR),
    platformName: platformName,
    type: DeviceType(bits: typeBits),
    driverVersion: try deviceString(id, CL_DRIVER_VERSION),
    deviceVersion: try deviceString(id, CL_DEVICE_VERSION),
    openCLCVersion: try deviceString(id, CL_DEVICE_OPENCL_C_VERSION),
    computeUnits: Int(try deviceValue(id, CL_DEVICE_MAX_COMPUTE_UNITS) as cl_uint),
    clockMHz: Int(try deviceValue(id, CL_DEVICE_MAX_CLOCK_FREQUENCY) as cl_uint),
    globalMemoryBytes: Int(try deviceValue(id, CL_DEVICE_GLOBAL_MEM_SIZE) as cl_ulong),
    maxAllocationBytes: Int(try deviceValue(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE) as cl_ulong),
    maxWorkGroupSize: Int(try deviceValue(id, CL_DEVICE_MAX_WORK_GROUP_SIZE) as Int),
    localMemoryBytes: Int(try deviceValue(id, CL_DEVICE_LOCAL_MEM_SIZE) as cl_ulong),
    supportsFP64: fp64Config != 0 || extensions.contains("cl_khr_fp64"),
    supportsFP16: extensions.contains("cl_khr_fp16"),
    extensions: extensions
  )
}

// MARK: - Info queries

private func platformString(_ platform: cl_platform_id, _ param: cl_platform_info) throws
  -> String
{
  var size = 0
  try checkCL(clGetPlatformInfo(platform, param, 0, nil, &size), "clGetPlatformInfo")
  var bytes = [CChar](repeating: 0, count: size + 1)
  try checkCL(clGetPlatformInfo(platform, param, size, &bytes, nil), "clGetPlatformInfo")
  return trimmedString(bytes)
}

func deviceString(_ device: cl_device_id, _ param: Int32) throws -> String {
  var size = 0
  try checkCL(clGetDeviceInfo(device, cl_device_info(param), 0, nil, &size), "clGetDeviceInfo")
  var bytes = [CChar](repeating: 0, count: size + 1)
  try checkCL(
    clGetDeviceInfo(device, cl_device_info(param), size, &bytes, nil), "clGetDeviceInfo")
  return trimmedString(bytes)
}

func deviceValue<T: FixedWidthInteger>(_ device: cl_device_id, _ param: Int32) throws -> T {
  var value: T = 0
  try checkCL(
    clGetDeviceInfo(device, cl_device_info(param), MemoryLayout<T>.size, &value, nil),
    "clGetDeviceInfo")
  return value
}

private func trimmedString(_ bytes: [CChar]) -> String {
  let text = bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  return text.trimmingCharacters(in: .whitespaces)
}
