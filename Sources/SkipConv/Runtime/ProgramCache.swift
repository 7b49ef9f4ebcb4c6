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

  init(context: cl_context, device: OpenCLDevice) {
    self.context = context
    self.device = device
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
    let program = try source.withCString { text in
      var pointer: UnsafePointer<CChar>? = text
      return try checkedCreate("clCreateProgramWithSource(\(key.file))") { status in
        clCreateProgramWithSource(context, 1, &pointer, nil, status)
      }
    }
    var deviceID: cl_device_id? = device.deviceID
    let options = key.options.description
    let status = clBuildProgram(program, 1, &deviceID, options, nil, nil)
    if status != CL_SUCCESS {
      let log = (try? buildLog(program)) ?? "(no build log)"
      clReleaseProgram(program)
      if status == CL_BUILD_PROGRAM_FAILURE || status == CL_COMPILE_PROGRAM_FAILURE
        || status == CL_INVALID_BUILD_OPTIONS
      {
        throw OpenCLError.buildFailed(
          file: key.file, options: options, device: device.info.name, log: log)
      }
      try checkCL(status, "clBuildProgram(\(key.file))")
    }
    programs[key] = program
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
