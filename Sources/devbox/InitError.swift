/// Why `devbox init` wrote nothing. Each is the user's to fix (exit 125).
enum InitError: Error, Equatable, CustomStringConvertible {
    /// Never replaced without `--force`: it may hold the user's own settings.
    case exists(String)
    case cannotWrite(String, reason: String)
    case badImage(String)
    /// The wrapper finds the project relative to itself, so it must sit in it.
    case outputOutsideProject(output: String, root: String)
    case noSuchDirectory(String)

    var description: String {
        switch self {
        case .exists(let path):
            return "\(path) already exists; pass --force to replace it"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .badImage(let image):
            return "--image '\(image)' is not an image reference; give one such as alpine:3.20"
        case .outputOutsideProject(let output, let root):
            return "--output \(output) is outside the project \(root); the script finds the project relative to itself, so put it inside"
        case .noSuchDirectory(let path):
            return "--output: \(path) is not a directory; create it first or choose another place"
        }
    }
}
