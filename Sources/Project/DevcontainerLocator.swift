import Platform

/// Which devcontainer.json a project uses, in the spec's search order
/// (devcontainer-reference.md, "devcontainer.json"):
/// `.devcontainer/devcontainer.json`, then `.devcontainer.json`, then
/// `.devcontainer/<NAME>/devcontainer.json` when exactly one such folder
/// has one. Several named configs are the user's choice to make, not
/// devbox's guess. The file system is injected so the order is testable.
public enum DevcontainerLocator {
    /// The config's absolute path; nil when the project has none.
    /// `explicit` is `--config PATH`, absolute or relative to `cwd`.
    public static func locate(projectRoot: String, explicit: String?, cwd: String,
                              exists: (String) -> Bool, list: (String) -> [String]) throws(DevcontainerLocatorError) -> String? {
        if let explicit {
            // Resolved lexically, as node's path.resolve does for the CLI: the
            // path is also the devcontainer.config_file label behind ${devcontainerId}.
            let joined = explicit.hasPrefix("/") ? explicit : ProjectLocator.join(cwd, explicit)
            let path = ContainerPath.clean(joined) ?? ProjectLocator.normalize(joined)
            guard !explicit.isEmpty, exists(path) else { throw .missing(explicit) }
            return path
        }
        let folder = ProjectLocator.join(projectRoot, ".devcontainer")
        for candidate in [ProjectLocator.join(folder, "devcontainer.json"), ProjectLocator.join(projectRoot, ".devcontainer.json")]
        where exists(candidate) {
            return candidate
        }
        let named = list(folder).sorted().filter { exists(ProjectLocator.join(folder, $0 + "/devcontainer.json")) }
        guard named.count <= 1 else {
            throw .several(named.map { ".devcontainer/\($0)/devcontainer.json" })
        }
        return named.first.map { ProjectLocator.join(folder, $0 + "/devcontainer.json") }
    }
}

public enum DevcontainerLocatorError: Error, Equatable, CustomStringConvertible {
    /// `--config PATH` names no file.
    case missing(String)
    /// More than one `.devcontainer/<NAME>/devcontainer.json`, paths relative to the project.
    case several([String])

    public var description: String {
        switch self {
        case .missing(let path):
            return "--config \(path): no such file; give the path of a devcontainer.json"
        case .several(let paths):
            return "the project has several dev container configs (\(paths.concatenated(separator: ", "))); "
                + "pick one with --config .devcontainer/NAME/devcontainer.json"
        }
    }
}
