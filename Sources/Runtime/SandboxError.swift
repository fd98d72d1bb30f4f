public enum SandboxError: Error, Equatable, CustomStringConvertible {
    case launch(String)
    case capability(CapabilityError)
    case prepare(path: String, reason: String)
    /// `exec`: the container's PID 1 is gone (or its pid was reused).
    case notRunning

    public var description: String {
        switch self {
        case .launch(let reason): return reason
        case .capability(let error): return error.description
        case .prepare(let path, let reason): return "cannot prepare \(path): \(reason)"
        case .notRunning: return "the container is not running"
        }
    }
}
