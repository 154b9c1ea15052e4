import Foundation
import PackagePlugin

/// Runs scripts/build-info.sh, which writes the git commit, the dirty flag and the sources hash
/// into a generated Swift file that the BuildInfo target compiles. A build command run by /bin/sh:
/// no compiler flags, works with plain `swift build`. Its inputs are every file under Sources/,
/// Package.swift, the scripts, and git's HEAD, index and HEAD reflog, so it re-runs after an edit
/// to the sources, a commit, a checkout or a `git add`. (A prebuild command would be simpler, but
/// SwiftPM skips prebuild commands on incremental builds: swiftlang/swift-package-manager#5476.)
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfoGenerated.swift")
        let script = package.appendingPathComponent("scripts/build-info.sh")
        var inputs = [package.appendingPathComponent("Package.swift"), script,
                      package.appendingPathComponent("scripts/sources-hash.sh")]
        inputs += files(under: package.appendingPathComponent("Sources"))
        inputs += gitFiles(package)
        return [.buildCommand(displayName: "BuildInfo: commit, dirty flag and sources hash",
                              executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: [script.path, package.path, output.path],
                              inputFiles: inputs, outputFiles: [output])]
    }

    private func files(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    /// HEAD, index and logs/HEAD of the checkout's git directory (`.git` may be a folder, or a file
    /// naming the folder in a worktree); none outside git.
    private func gitFiles(_ package: URL) -> [URL] {
        let dotGit = package.appendingPathComponent(".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isFolder) else { return [] }
        var gitDir = dotGit
        if !isFolder.boolValue {
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir:") else { return [] }
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appendingPathComponent(path)
        }
        return ["HEAD", "index", "logs/HEAD"].map { gitDir.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
