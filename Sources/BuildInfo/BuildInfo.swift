/// What this binary was built from, embedded at build time by Plugins/BuildInfoPlugin
/// (scripts/build-info.sh): for `samkit --version` and for every report's provenance.
///
///     print(BuildInfo.version)   // "samkit 1a2b3c4d5e6f (release, sources 9f86d081884c)"
public enum BuildInfo {
    /// The full git commit hash of the checkout that was built, or "unknown" outside git.
    public static let commit = GeneratedBuildInfo.commit
    /// Whether tracked files differed from the commit when the binary was built.
    public static let isDirty = GeneratedBuildInfo.isDirty
    /// SHA-256 over Sources/ and Package.swift as built (scripts/sources-hash.sh); `make
    /// check-report` compares the one a report records with HEAD's.
    public static let sourcesHash = GeneratedBuildInfo.sourcesHash

    /// `debug` or `release`.
    public static var configuration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// The first 12 characters of the commit, with "-dirty" when the tree was dirty.
    public static var shortCommit: String {
        String(commit.prefix(12)) + (isDirty ? "-dirty" : "")
    }

    /// One line for `--version`.
    public static var version: String {
        "samkit \(shortCommit) (\(configuration), sources \(sourcesHash.prefix(12)))"
    }
}
