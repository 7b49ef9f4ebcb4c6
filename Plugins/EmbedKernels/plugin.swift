import Foundation
import PackagePlugin

/// Embeds every `Kernels/*.cl` file into the SkipConv module as a Swift string constant, so the
/// binary carries its OpenCL sources and runs from any working directory or machine.
@main
struct EmbedKernels: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let kernelsDirectory = context.package.directoryURL.appendingPathComponent("Kernels")
    let sources = try FileManager.default.contentsOfDirectory(
      at: kernelsDirectory, includingPropertiesForKeys: nil
    )
    .filter { $0.pathExtension == "cl" || $0.pathExtension == "h" }
    .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedKernels.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(sources.count) OpenCL kernel sources",
        executable: try context.tool(named: "embed-kernels").url,
        arguments: [output.path] + sources.map(\.path),
        inputFiles: sources,
        outputFiles: [output]
      )
    ]
  }
}
