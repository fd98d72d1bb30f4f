/// What `devbox oci` reports; each one line for the user (runtime.md#errors).
public enum OCIError: Error, Equatable, CustomStringConvertible {
    case unknownContainer(String)
    case duplicateContainer(String)
    case invalidID(String)
    case notCreated(String, status: String)
    case notStopped(String, status: String)
    case stopped(String)
    case bundle(String)
    case hook(String)
    case failed(String)

    public var description: String {
        switch self {
        case .unknownContainer(let id): return "container '\(id)' does not exist (see `devbox oci list`)"
        case .duplicateContainer(let id): return "container '\(id)' already exists; delete it first (`devbox oci delete \(id)`)"
        case .invalidID(let id): return "invalid container id '\(id)': use letters, digits, '_', '.', '+' and '-', starting with a letter or digit"
        case .notCreated(let id, let status): return "container '\(id)' cannot be started: it is \(status), not created"
        case .notStopped(let id, let status): return "container '\(id)' is \(status); stop it first or use `devbox oci delete --force \(id)`"
        case .stopped(let id): return "container '\(id)' is stopped: nothing to signal"
        case .bundle(let reason): return reason
        case .hook(let reason): return reason
        case .failed(let reason): return reason
        }
    }
}
