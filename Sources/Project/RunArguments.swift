/// `devbox run`'s command line, parsed without ArgumentParser.
///
/// Why a second parser: `devbox run` is the hot path and is measured against
/// bubblewrap. ArgumentParser builds every command's definition by
/// reflection on each start (≈1.5 ms and ≈5 MB of RSS here). This parser
/// accepts exactly the flags in `flags`; for anything else (help, errors,
/// unusual spellings) it returns nil and ArgumentParser handles the command
/// line, so messages and completions come from one definition. A test checks
/// that `flags` matches ArgumentParser's `run` command.
public struct RunArguments: Equatable, Sendable {
    public var dataRoot: String?
    public var logLevel = "warn"
    public var tty = false
    public var interactive = false
    public var remove = false
    public var network: RunOptions.Network = .host
    public var userns: String?
    public var home: RunOptions.HomeMode = .container
    public var volumes: [String] = []
    public var env: [String] = []
    public var envFiles: [String] = []
    public var workdir: String?
    public var hostname: String?
    public var printSpec = false
    public var command: [String] = []
    /// `devbox run IMAGE -- ...`
    public var image: String?
    public var profile: String?
    public var capAdd: [String] = []
    public var capDrop: [String] = []
    public var readOnly = false
    public var securityOpt: [String] = []
    public var networkGiven = false
    /// `--project DIR`: the project, named instead of found.
    public var project: String?
    /// `--allow-project-profile`: accept a project profile weaker than its base.
    public var allowProjectProfile = false
    /// `--preserve-fds N`: fds 3 ..< 3+N pass into the command.
    public var preserveFDs = 0
    /// `-d`: start a named container in the background and print its id.
    public var detach = false
    /// `--name N`: keep the run as a named container.
    public var name: String?
    /// `--label K=V`
    public var labels: [String] = []

    public init() {}

    public static let logLevels: Set<String> = ["error", "warn", "info", "debug"]

    /// Every flag and option of `devbox run`: long name, short name, takes a value.
    public static let flags: [(long: String, short: Character?, takesValue: Bool)] = [
        ("root", nil, true), ("log-level", nil, true), ("tty", "t", false), ("interactive", "i", false),
        ("rm", nil, false), ("network", nil, true), ("userns", nil, true), ("home", nil, true),
        ("volume", "v", true), ("env", "e", true), ("env-file", nil, true), ("workdir", "w", true),
        ("hostname", nil, true), ("print-spec", nil, false), ("profile", nil, true), ("cap-add", nil, true),
        ("cap-drop", nil, true), ("read-only", nil, false), ("security-opt", nil, true), ("project", nil, true),
        ("allow-project-profile", nil, false), ("preserve-fds", nil, true), ("detach", "d", false), ("name", nil, true),
        ("label", "l", true),
    ]

    /// Parses the arguments after `run`; nil means "let ArgumentParser decide".
    public static func parse(_ args: [String]) -> RunArguments? {
        parse(args, requireCommand: true)
    }

    /// `create` may leave the command to the image (no `--`).
    public static func parse(_ args: [String], requireCommand: Bool) -> RunArguments? {
        var result = RunArguments()
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                result.command = Array(args[i...])
                return result.command.isEmpty && requireCommand ? nil : result
            }
            if arg.hasPrefix("--") {
                var name = String(arg.dropFirst(2))
                var value: String?
                if let eq = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                guard let flag = flags.first(where: { $0.long == name }) else { return nil }
                if flag.takesValue {
                    if value == nil {
                        guard i < args.count else { return nil }
                        value = args[i]
                        i += 1
                    }
                } else if value != nil {
                    return nil
                }
                guard result.apply(name, value) else { return nil }
            } else if arg.hasPrefix("-"), arg.count > 1 {
                // Clustered short flags (-ti); a short option that takes a
                // value ends the cluster and takes the next argument. A value
                // joined to it (-w/tmp) is ArgumentParser's to refuse: it
                // does not take one, and both parsers must agree.
                var rest = Substring(arg.dropFirst())
                while let ch = rest.first {
                    rest = rest.dropFirst()
                    guard let flag = flags.first(where: { $0.short == ch }) else { return nil }
                    if flag.takesValue {
                        guard rest.isEmpty, i < args.count else { return nil }
                        let value = args[i]
                        i += 1
                        guard result.apply(flag.long, value) else { return nil }
                    } else {
                        guard result.apply(flag.long, nil) else { return nil }
                    }
                }
            } else if result.image == nil {
                result.image = arg
            } else {
                return nil  // a second positional before `--` is ArgumentParser's to report
            }
        }
        return requireCommand ? nil : result  // no `--`: no command
    }

    /// `--preserve-fds N`: a decimal N >= 0 that leaves room above fd 2 in an int.
    public static func fdCount(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(text), n <= Int(Int32.max) - 3 else { return nil }
        return n
    }

    private mutating func apply(_ name: String, _ value: String?) -> Bool {
        switch name {
        case "root": dataRoot = value
        case "log-level":
            guard let value, Self.logLevels.contains(value) else { return false }
            logLevel = value
        case "tty": tty = true
        case "interactive": interactive = true
        case "rm": remove = true
        case "network":
            guard let parsed = value.flatMap(RunOptions.Network.init(rawValue:)) else { return false }
            network = parsed
            networkGiven = true
        case "userns": userns = value
        case "home":
            guard let parsed = value.flatMap(RunOptions.HomeMode.init(rawValue:)) else { return false }
            home = parsed
        case "volume": volumes.append(value ?? "")
        case "env": env.append(value ?? "")
        case "env-file": envFiles.append(value ?? "")
        case "workdir": workdir = value
        case "hostname": hostname = value
        case "print-spec": printSpec = true
        case "profile": profile = value
        case "cap-add": capAdd.append(value ?? "")
        case "cap-drop": capDrop.append(value ?? "")
        case "read-only": readOnly = true
        case "security-opt": securityOpt.append(value ?? "")
        case "project": project = value
        case "allow-project-profile": allowProjectProfile = true
        case "detach": detach = true
        case "name": self.name = value
        case "label": labels.append(value ?? "")
        case "preserve-fds":
            guard let value, let count = Self.fdCount(value) else { return false }
            preserveFDs = count
        default: return false
        }
        return true
    }
}
