import Foundation
import PackagePlugin

/// Runs scripts/build-info.sh before every build of the BuildInfo target, which writes the git
/// commit, the dirty flag and the sources hash into a generated Swift file that the target
/// compiles. A prebuild command with /bin/sh: no compiler flags, works with plain `swift build`.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        return [.prebuildCommand(displayName: "BuildInfo: commit, dirty flag and sources hash",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: [package.appendingPathComponent("scripts/build-info.sh").path,
                                             package.path, output.path],
                                 outputFilesDirectory: output)]
    }
}
