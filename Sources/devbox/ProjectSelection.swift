import Platform
import Project

/// Which directory is the project: `--project DIR`, else the one found from
/// the working directory (never home, `/` or above home; see ProjectLocator).
enum ProjectSelection {
    static func resolve(_ argument: String?, host: HostFacts) throws(ProjectError) -> Project {
        if let argument {
            return try ProjectLocator.named(argument, cwd: host.cwd, realPath: FileSystem.realPath, isDirectory: FileSystem.isDirectory)
        }
        return try ProjectLocator.locate(from: host.cwd, homes: homes(host.home, passwdHome: host.passwdHome), exists: FileSystem.exists)
    }

    /// Every spelling of the user's home: $HOME may be unset or point
    /// elsewhere than the passwd entry, and either may be a symlink.
    static func homes(_ home: String, passwdHome: String?) -> [String] {
        var homes = [home]
        if let passwdHome, !passwdHome.isEmpty, passwdHome != home { homes.append(passwdHome) }
        homes += homes.compactMap(FileSystem.realPath)
        return homes
    }
}
