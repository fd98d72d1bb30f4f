import Platform

/// A project: the directory devbox treats as the unit of persistence and the
/// tree bind-mounted into the container at its own path.
public struct Project: Equatable, Sendable {
    public var root: String
    /// Stable per root path, so each project has its own environment.
    public var id: String

    public init(root: String) {
        self.root = root
        self.id = Project.identifier(for: root)
    }

    /// Basename plus a hash of the path: readable in `ls`, unique per path.
    static func identifier(for root: String) -> String {
        let base = ASCII.split(root, on: UInt8(ascii: "/")).last ?? "root"
        let safe = base.utf8.prefix(40).map { b -> UInt8 in
            ASCII.isAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") ? b : UInt8(ascii: "_")
        }
        return (safe.isEmpty ? "root" : String(decoding: safe, as: UTF8.self)) + "-" + String(SHA256.hex(Array(root.utf8)).prefix(16))
    }
}

/// Why devbox will not take a directory as the project.
public enum ProjectError: Error, Equatable, CustomStringConvertible {
    /// The directory is `/`, a home directory or above one: sharing it
    /// read-write would hand the command the user's files or the host's.
    case tooBroad(directory: String, home: String)
    /// `--project DIR` names no directory.
    case notADirectory(String)

    public var description: String {
        switch self {
        case .tooBroad(let directory, let home):
            let what = directory == "/" ? "the host's root" : directory == home ? "your home directory" : "above your home directory"
            return "\(directory) is \(what), not a project, and would be shared read-write; "
                + "run devbox in a project (a directory with devbox.toml, .devcontainer or .git) or name one with --project DIR"
        case .notADirectory(let path):
            return "--project \(path): no such directory; give the path of the project's directory"
        }
    }
}

public enum ProjectLocator {
    /// Files or directories whose presence marks a project root.
    public static let markers = ["devbox.toml", ".devcontainer", ".git"]

    /// The nearest directory at or above `directory` holding a marker, else
    /// `directory` itself. `exists` is injected so the rule is testable.
    ///
    /// `homes` are the user's home directory as every spelling devbox knows
    /// ($HOME, the passwd entry, their real paths). Neither they nor any
    /// directory above them (`/` included) is ever a project found by
    /// discovery: a dotfiles repository's `.git` in the home must not make
    /// the whole home the project, and running from `~` or `/` must not
    /// share it. The user can still name one with `--project`.
    public static func locate(from directory: String, homes: [String], exists: (String) -> Bool) throws(ProjectError) -> Project {
        let directory = normalize(directory)
        let protected = Set(homes.map(normalize).flatMap(selfAndAncestors))
        var current = directory
        while !protected.contains(current) {
            for marker in markers where exists(join(current, marker)) {
                return Project(root: current)
            }
            if current == "/" { break }
            current = parent(of: current)
        }
        guard !protected.contains(directory), directory != "/" else {
            throw .tooBroad(directory: directory, home: homes.first.map(normalize) ?? "/")
        }
        return Project(root: directory)
    }

    /// `--project DIR`: the user's explicit choice, taken as it is (home
    /// included), once it is known to be a directory.
    public static func named(_ path: String, cwd: String, realPath: (String) -> String?,
                             isDirectory: (String) -> Bool) throws(ProjectError) -> Project {
        let absolute = path.hasPrefix("/") ? path : join(cwd, path)
        guard !path.isEmpty, let resolved = realPath(absolute), isDirectory(resolved) else { throw .notADirectory(path) }
        return Project(root: normalize(resolved))
    }

    /// `/a//b/` → `/a/b`: the same directory compares equal however it was spelled.
    static func normalize(_ path: String) -> String {
        // Byte-level: this runs on every `devbox run` (see Platform/ASCII).
        "/" + ASCII.split(path, on: UInt8(ascii: "/")).filter { $0 != "." }.concatenated(separator: "/")
    }

    static func selfAndAncestors(_ path: String) -> [String] {
        var out = [path]
        var current = path
        while current != "/" {
            current = parent(of: current)
            out.append(current)
        }
        return out
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir == "/" ? "/" + name : dir + "/" + name
    }

    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
