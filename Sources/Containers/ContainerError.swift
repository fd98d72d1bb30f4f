/// Why a container command cannot do what was asked; messages for users.
public enum ContainerError: Error, Equatable, CustomStringConvertible {
    case noSuchContainer(String)
    case ambiguous(prefix: String, matches: Int)
    case nameInUse(name: String, id: String)
    case badName(String)
    case noContainers
    case running(String)
    case notRunning(String)
    case io(path: String, reason: String)
    case corrupt(path: String)

    public var description: String {
        switch self {
        case .noSuchContainer(let name):
            return "no container named or with id \(name); `devbox ps -a` lists them"
        case .ambiguous(let prefix, let matches):
            return "\(prefix) is the start of \(matches) container ids; give more of the id or the name"
        case .nameInUse(let name, let id):
            return "the name \(name) is already used by container \(id.prefix(12)); remove it (`devbox rm \(name)`) or choose another --name"
        case .badName(let name):
            return "invalid container name '\(name)': use letters, digits, '_', '.' and '-', starting with a letter or digit"
        case .noContainers:
            return "there are no containers (--latest needs one); create one with `devbox create` or `devbox run -d`"
        case .running(let name):
            return "container \(name) is running; stop it first (`devbox stop \(name)`) or use --force"
        case .notRunning(let name):
            return "container \(name) is not running; start it with `devbox start \(name)`"
        case .io(let path, let reason):
            return "\(path): \(reason); check that the directory is writable and the disk not full"
        case .corrupt(let path):
            return "\(path) cannot be read as a container record; remove the container with `devbox rm -f` or delete that directory"
        }
    }
}
