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

public enum ProjectLocator {
    /// Files or directories whose presence marks a project root.
    public static let markers = ["devbox.toml", ".devcontainer", ".git"]

    /// The nearest directory at or above `directory` holding a marker, else
    /// `directory` itself. `exists` is injected so the rule is testable.
    public static func locate(from directory: String, exists: (String) -> Bool) -> Project {
        var current = directory
        while true {
            for marker in markers where exists(join(current, marker)) {
                return Project(root: current)
            }
            if current == "/" { break }
            current = parent(of: current)
        }
        return Project(root: directory)
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir == "/" ? "/" + name : dir + "/" + name
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
