public enum SandboxError: Error, Equatable, CustomStringConvertible {
    case launch(String)
    case capability(CapabilityError)
    case prepare(path: String, reason: String)

    public var description: String {
        switch self {
        case .launch(let reason): return reason
        case .capability(let error): return error.description
        case .prepare(let path, let reason): return "cannot prepare \(path): \(reason)"
        }
    }
}
