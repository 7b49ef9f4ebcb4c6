import Foundation
import XCTest

@testable import SkipConv

final class RuntimeTests: XCTestCase {
  func testDiscoveryFindsDevice() throws {
    let devices = try discoverDevices()
    XCTAssertFalse(devices.isEmpty, "the OpenCL loader reported no device")
    for device in devices {
      XCTAssertFalse(device.info.name.isEmpty, "device \(device.info.index) has no name")
      XCTAssertGreaterThan(device.info.computeUnits, 0, device.info.name)
      XCTAssertGreaterThan(device.info.maxAllocationBytes, 0, device.info.name)
      XCTAssertGreaterThan(device.info.maxWorkGroupSize, 0, device.info.name)
    }
    XCTAssertNotNil(defaultDeviceIndex(devices))
  }

  func testSelectorParsing() {
    XCTAssertEqual(DeviceSelector(parsing: "0"), .index(0))
    XCTAssertEqual(DeviceSelector(parsing: "GPU"), .type(.gpu))
    XCTAssertEqual(DeviceSelector(parsing: "cpu"), .type(.cpu))
    XCTAssertEqual(DeviceSelector(parsing: "pthread"), .name("pthread"))
  }

  func testUnknownDeviceNameListsDevices() throws {
    let devices = try discoverDevices()
    XCTAssertThrowsError(try DeviceSelector.name("no-such-device-xyz").select(from: devices)) {
      error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("no-such-device-xyz"), message)
      XCTAssertTrue(message.contains(devices[0].info.name), message)
    }
    XCTAssertThrowsError(try DeviceSelector.index(devices.count).select(from: devices))
  }

  func testEnvironmentVariableSelectsDevice() throws {
    let devices = try discoverDevices()
    let chosen = try chooseDevice(nil, environment: ["SKIPCONV_DEVICE": "\(devices.count - 1)"])
    XCTAssertEqual(chosen.info.index, devices.count - 1)
    XCTAssertThrowsError(try chooseDevice(nil, environment: ["SKIPCONV_DEVICE": "nothing-like-it"]))
    let explicit = try chooseDevice(.index(0), environment: ["SKIPCONV_DEVICE": "nothing-like-it"])
    XCTAssertEqual(explicit.info.index, 0, "--device must take precedence over SKIPCONV_DEVICE")
  }

  func testKernelRunsOnRandomInput() throws {
    let context = try ComputeContext()
    var random = SeededGenerator(seed: 7)
    let count = 1_000_003
    let a = random.uniform(count)
    let b = random.uniform(count)
    let bufferA = try context.makeBuffer(.float32, count: count)
    let bufferB = try context.makeBuffer(.float32, count: count)
    let bufferY = try context.makeBuffer(.float32, count: count)
    try context.write(a, to: bufferA)
    try context.write(b, to: bufferB)
    try context.fill(bufferY, with: Float.nan)
    try context.launch(
      "residual_add_forward", file: "residual_add.cl", globalSize: [count], localSize: [64],
      arguments: [.buffer(bufferA), .buffer(bufferB), .buffer(bufferY), .int(count), .int(1)])
    let y: [Float] = try context.read(bufferY)
    var mismatches = 0
    for i in 0..<count where y[i] != max(a[i] + b[i], 0) {
      mismatches += 1
    }
    XCTAssertEqual(mismatches, 0, "elements of relu(a + b) that differ from the host result")
  }

  func testBrokenKernelReportsBuildLog() throws {
    let context = try ComputeContext()
    context.overrideSource(
      "__kernel void broken(__global float *x) { x[0] = undefined_name; }", for: "broken.cl")
    XCTAssertThrowsError(
      try context.launch(
        "broken", file: "broken.cl", options: BuildOptions(["TILE": 4]), globalSize: [1],
        arguments: [])
    ) { error in
      guard case OpenCLError.buildFailed(let file, let options, _, let log) = error else {
        return XCTFail("expected buildFailed, got \(error)")
      }
      XCTAssertEqual(file, "broken.cl")
      XCTAssertEqual(options, "-D TILE=4")
      XCTAssertTrue(log.contains("undefined_name"), "build log lacks the bad name: \(log)")
      XCTAssertTrue("\(error)".contains(log), "the message must carry the build log")
    }
  }

  func testMissingKernelSourceIsNamed() throws {
    let context = try ComputeContext()
    XCTAssertThrowsError(try context.launch("x", file: "absent.cl", globalSize: [1], arguments: []))
    { error in
      XCTAssertEqual(error as? OpenCLError, .missingKernelSource(file: "absent.cl"))
    }
  }

  func testOversizedAllocationIsRejected() throws {
    let context = try ComputeContext()
    let limit = context.info.maxAllocationBytes
    let count = limit / 4 + 1
    XCTAssertThrowsError(try context.makeBuffer(.float32, count: count)) { error in
      guard case OpenCLError.allocationTooLarge(let requested, let maxBytes, _) = error else {
        return XCTFail("expected allocationTooLarge, got \(error)")
      }
      XCTAssertEqual(requested, count * 4)
      XCTAssertEqual(maxBytes, limit)
      let message = "\(error)"
      XCTAssertTrue(message.contains("\(count * 4)") && message.contains("\(limit)"), message)
    }
    XCTAssertThrowsError(try context.makeBuffer(.float32, count: Int.max / 2))
    XCTAssertEqual(context.buffers.liveCount, 0)
  }

  func testThousandBuffersAreReleased() throws {
    let context = try ComputeContext()
    var buffers: [DeviceBuffer] = []
    for i in 0..<1_000 {
      buffers.append(try context.makeBuffer(i.isMultiple(of: 2) ? .float32 : .int32, count: i + 1))
    }
    XCTAssertEqual(context.buffers.liveCount, 1_000)
    XCTAssertEqual(context.buffers.liveBytes, (1...1_000).reduce(0, +) * 4)
    buffers.removeAll()
    XCTAssertEqual(context.buffers.liveCount, 0)
    XCTAssertEqual(context.buffers.liveBytes, 0)
    XCTAssertEqual(context.buffers.peakBytes, (1...1_000).reduce(0, +) * 4)
  }

  func testCopyBoundsAreChecked() throws {
    let context = try ComputeContext()
    let buffer = try context.makeBuffer(.float32, count: 4)
    XCTAssertThrowsError(try context.write([Float](repeating: 1, count: 5), to: buffer))
    XCTAssertThrowsError(try context.write([Int32](repeating: 1, count: 4), to: buffer))
    XCTAssertThrowsError(try context.read(buffer, offset: 3, count: 2) as [Float])
    let values: [Float] = [1.5, -2, 3.25, 4]
    try context.write(values, to: buffer)
    XCTAssertEqual(try context.read(buffer) as [Float], values)
    XCTAssertEqual(try context.read(buffer, offset: 1, count: 2) as [Float], [-2, 3.25])
  }

  func testStatusNamesComeFromHeader() {
    XCTAssertEqual(OpenCLError.statusName(-5), "CL_OUT_OF_RESOURCES")
    XCTAssertEqual(OpenCLError.statusName(-4), "CL_MEM_OBJECT_ALLOCATION_FAILURE")
    XCTAssertEqual(OpenCLError.statusName(-54), "CL_INVALID_WORK_GROUP_SIZE")
    XCTAssertEqual(OpenCLError.statusName(-12345), "CL_UNKNOWN_STATUS")
    let message = OpenCLError.status(call: "clEnqueueNDRangeKernel(conv1d_forward)", code: -5)
      .description
    XCTAssertTrue(
      message.hasPrefix("CL_OUT_OF_RESOURCES (-5) in clEnqueueNDRangeKernel(conv1d_forward)"),
      message)
  }
}
