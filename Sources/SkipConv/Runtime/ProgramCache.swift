import COpenCL
import Foundation

/// Compile-time settings of a program: `-D` defines, in a stable order so equal settings share one
/// build.
public struct BuildOptions: Hashable, Sendable, CustomStringConvertible {
  public var defines: [String: Int]

  public init(_ defines: [String: Int] = [:]) {
    self.defines = defines
  }

  /// The option string passed to `clBuildProgram`, for example `-D TILE_M=4 -D TILE_N=8`.
  public var description: String {
    defines.keys.sorted().map { "-D \($0)=\(defines[$0]!)" }.joined(separator: " ")
  }
}

/// Programs built once per context, source file and options, with their kernels.
final class ProgramCache {
  private struct ProgramKey: Hashable {
    var file: String
    var options: BuildOptions
  }

  private struct KernelKey: Hashable {
    var program: ProgramKey
    var name: String
  }

  private let context: cl_context
  private let device: OpenCLDevice
  private var programs: [ProgramKey: cl_program] = [:]
  private var kernels: [KernelKey: cl_kernel] = [:]
  /// Overrides of embedded sources, for tests and kernel development.
  var sourceOverrides: [String: String] = [:]
  let binaryCache: ProgramBinaryCache
  private(set) var statistics = ProgramBuildStatistics()

  init(context: cl_context, device: OpenCLDevice, binaryCache: ProgramBinaryCache) {
    self.context = context
    self.device = device
    self.binaryCache = binaryCache
  }

  /// Returns the kernel `name` from `file` built with `options`, building the program on first use.
  func kernel(_ name: String, file: String, options: BuildOptions) throws -> cl_kernel {
    let programKey = ProgramKey(file: file, options: options)
    let key = KernelKey(program: programKey, name: name)
    if let kernel = kernels[key] {
      return kernel
    }
    let program = try program(programKey)
    let kernel = try checkedCreate("clCreateKernel(\(name))") { status in
      clCreateKernel(program, name, status)
    }
    kernels[key] = kernel
    return kernel
  }

  private func program(_ key: ProgramKey) throws -> cl_program {
    if let program = programs[key] {
      return program
    }
    let source = try resolvedSource(key.file)
    let options = key.options.description
    let cacheKey = binaryCache.key(source: source, options: options, device: device.info)
    let start = DispatchTime.now().uptimeNanoseconds
    defer {
      statistics.buildSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
    if let binary = binaryCache.load(cacheKey), let program = buildFromBinary(binary, options) {
      statistics.loadedFromCache += 1
      programs[key] = program
      return program
    }
    let program = try buildFromSource(source, file: key.file, options: options)
    statistics.builtFromSource += 1
    if let binary = try? programBinary(program) {
      binaryCache.store(cacheKey, binary)
    }
    programs[key] = program
    return program
  }

  private func buildFromSource(_ source: String, file: String, options: String) throws
    -> cl_program
  {
    let program = try source.withCString { text in
      var pointer: UnsafePointer<CChar>? = text
      return try checkedCreate("clCreateProgramWithSource(\(file))") { status in
        clCreateProgramWithSource(context, 1, &pointer, nil, status)
      }
    }
    var deviceID: cl_device_id? = device.deviceID
    let status = clBuildProgram(program, 1, &deviceID, options, nil, nil)
    if status != CL_SUCCESS {
      let log = (try? buildLog(program)) ?? "(no build log)"
      clReleaseProgram(program)
      if status == CL_BUILD_PROGRAM_FAILURE || status == CL_COMPILE_PROGRAM_FAILURE
        || status == CL_INVALID_BUILD_OPTIONS
      {
        throw OpenCLError.buildFailed(
          file: file, options: options, device: device.info.name, log: log)
      }
      try checkCL(status, "clBuildProgram(\(file))")
    }
    return program
  }

  /// Loads a cached binary; returns nil when the driver rejects it, so the caller builds from source.
  private func buildFromBinary(_ binary: [UInt8], _ options: String) -> cl_program? {
    var deviceID: cl_device_id? = device.deviceID
    var binaryStatus: cl_int = CL_SUCCESS
    var status: cl_int = CL_SUCCESS
    let program = binary.withUnsafeBufferPointer { buffer -> cl_program? in
      var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
      var length = buffer.count
      return clCreateProgramWithBinary(
        context, 1, &deviceID, &length, &pointer, &binaryStatus, &status)
    }
    guard let program, status == CL_SUCCESS, binaryStatus == CL_SUCCESS else {
      if let program { clReleaseProgram(program) }
      return nil
    }
    guard clBuildProgram(program, 1, &deviceID, options, nil, nil) == CL_SUCCESS else {
      clReleaseProgram(program)
      return nil
    }
    return program
  }

  /// Returns the source of `file` with each `#include "name"` line replaced by that embedded file.
  func resolvedSource(_ file: String, including: Set<String> = []) throws -> String {
    guard let text = sourceOverrides[file] ?? embeddedKernelSources[file] else {
      throw OpenCLError.missingKernelSource(file: file)
    }
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("#include \""), trimmed.hasSuffix("\""), trimmed.count > 11 {
        let name = String(trimmed.dropFirst(10).dropLast())
        if including.contains(name) {
          continue
        }
        lines.append(try resolvedSource(name, including: including.union([file, name])))
      } else {
        lines.append(String(line))
      }
    }
    return lines.joined(separator: "\n")
  }

  private func buildLog(_ program: cl_program) throws -> String {
    var size = 0
    try checkCL(
      clGetProgramBuildInfo(
        program, device.deviceID, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size),
      "clGetProgramBuildInfo")
    var bytes = [CChar](repeating: 0, count: size + 1)
    try checkCL(
      clGetProgramBuildInfo(
        program, device.deviceID, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil),
      "clGetProgramBuildInfo")
    return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func releaseAll() {
    for kernel in kernels.values {
      logReleaseFailure(clReleaseKernel(kernel), "clReleaseKernel")
    }
    for program in programs.values {
      logReleaseFailure(clReleaseProgram(program), "clReleaseProgram")
    }
    kernels.removeAll()
    programs.removeAll()
  }
}
