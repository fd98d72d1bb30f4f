public enum ProfileError: Error, Equatable, CustomStringConvertible {
    case syntax(file: String, line: Int, message: String)
    case unknownKey(file: String, line: Int, key: String)
    case badValue(file: String, line: Int, key: String, expected: String)
    case unknownCapability(file: String, line: Int, name: String)
    case unknownSyscall(file: String, line: Int, name: String)
    case notFound(String)
    case cycle([String])
    case badName(String)
    case weakerProjectProfile(file: String, base: String, reasons: [String])
    case projectExtendsUnconfined(file: String)
    case projectExtendsPath(file: String)

    public var description: String {
        switch self {
        case .syntax(let file, let line, let message):
            return "\(file):\(line): \(message)"
        case .unknownKey(let file, let line, let key):
            return "\(file):\(line): unknown key '\(key)'; see profiles/README.md for the keys a profile takes"
        case .badValue(let file, let line, let key, let expected):
            return "\(file):\(line): '\(key)' must be \(expected)"
        case .unknownCapability(let file, let line, let name):
            return "\(file):\(line): unknown capability '\(name)'; use names such as CAP_NET_BIND_SERVICE or net_bind_service"
        case .unknownSyscall(let file, let line, let name):
            return "\(file):\(line): unknown syscall or condition '\(name)'; use a name from syscalls(2) or one of \(SeccompRules.conditions.keys.sorted().joined(separator: ", "))"
        case .notFound(let name):
            return "profile '\(name)' not found; `devbox profile list` shows the available ones"
        case .cycle(let chain):
            return "profiles extend each other in a cycle: \(chain.joined(separator: " -> ")); remove one extends"
        case .badName(let name):
            return "'\(name)' is not a profile name; use letters, digits, '.', '_' and '-', or a path with a /"
        case .weakerProjectProfile(let file, let base, let reasons):
            return "\(file): this project profile is weaker than '\(base)' it extends (\(reasons.joined(separator: "; "))); "
                + "pass --allow-project-profile to run with it anyway"
        case .projectExtendsUnconfined(let file):
            return "\(file): a project profile may not extend 'unconfined'; extend default or strict, or pass --allow-project-profile"
        case .projectExtendsPath(let file):
            return "\(file): a project profile's extends must name a profile, not a path; write extends = \"default\""
        }
    }
}
