/// `devbox run`'s command line, parsed without ArgumentParser.
///
/// Why a second parser: `devbox run` is the hot path and is measured against
/// bubblewrap. ArgumentParser builds every command's definition by
/// reflection on each start (≈1.5 ms and ≈5 MB of RSS here). This parser
/// accepts exactly the flags in `RunFlags.table`; for anything else (help, errors,
/// unusual spellings) it returns nil and ArgumentParser handles the command
/// line. Both read one table, `RunFlags.table`; ArgumentParityTests parses
/// the same argv both ways and compares the results.
public struct RunArguments: Equatable, Sendable {
    public var dataRoot: String?
    public var logLevel = "warn"
    /// `--storage-driver`: overlay, fuse or copy (RunOptions.StorageDriver).
    public var storageDriver: String?
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
    /// `--config FILE`: the devcontainer.json to use.
    public var configFile: String?
    /// `--allow-project-profile`: accept a project profile weaker than its base.
    public var allowProjectProfile = false
    /// `--preserve-fds N`: fds 3 ..< 3+N pass into the command.
    public var preserveFDs = 0

    /// `-u USER[:GROUP]`, resolved against the image's (or host's) account files.
    public var user: String?
    public var groupAdd: [String] = []
    /// `--entrypoint`: "" clears the image's.
    public var entrypoint: String?
    public var pull: RunOptions.PullPolicy = .missing
    public var addHosts: [String] = []
    public var dns: [String] = []
    public var devices: [String] = []
    public var tmpfs: [String] = []
    public var mounts: [String] = []
    public var labels: [String] = []
    public var ulimits: [String] = []
    public var shmSize: String?
    public var stopSignal: String?
    public var stopTimeout: Int?
    public var envHost = false
    /// `--init`: accepted; devbox's own init is always PID 1.
    public var initProcess = false
    /// `--gui`: the user's display sockets (GUISockets).
    public var gui = false
    public var name: String?
    public var detach = false
    /// The flags as given, values included (not the image or the command):
    /// a project's definition is applied by parsing its flags and then
    /// these again, so the command line wins (see DefinitionRunFlags).
    public var flagArguments = GivenFlags()

    public init() {}

    /// Two parsers spell the same flags differently (`-e X` and `--env X`,
    /// in the order given or grouped by flag) and mean the same: these
    /// words are how to say them again, not part of what they mean, so
    /// they never make two RunArguments differ.
    public struct GivenFlags: Equatable, Sendable {
        public var words: [String] = []
        public init() {}
        public static func == (_: GivenFlags, _: GivenFlags) -> Bool { true }
        public static func += (flags: inout GivenFlags, more: some Sequence<String>) { flags.words += more }
    }

    public static let logLevels: Set<String> = ["error", "warn", "info", "debug"]

    /// Parses the arguments after `run` (or `create`, `exec`: the flags of
    /// `command`); nil means "let ArgumentParser decide".
    /// `requireCommand: false` (create): the command may be left to the image.
    public static func parse(_ args: [String], for command: RunFlag.Commands = .run, requireCommand: Bool = true) -> RunArguments? {
        var result = RunArguments()
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                result.command = Array(args[i...])
                return result.command.isEmpty && requireCommand ? nil : result
            }
            let start = i - 1
            if let taken = take(arg, args, &i, into: &result, for: command) {
                guard taken else { return nil }
                result.flagArguments += args[start..<i]
            } else if result.image == nil {
                result.image = arg
            } else {
                return nil  // a second positional before `--` is ArgumentParser's to report
            }
        }
        return requireCommand ? nil : result  // no `--`: no command
    }

    /// One flag (or a cluster of short ones) at `arg`, its value taken from
    /// `args[i]` when it needs one (`i` then moves on). nil: `arg` is not a
    /// flag; false: a flag `command` does not take, or a bad value (the
    /// caller leaves the command line to ArgumentParser). `extra`: flags
    /// of the caller's own (exec's --privileged, --latest), applied by
    /// `onExtra` with their long name.
    public static func take(_ arg: String, _ args: [String], _ i: inout Int, into result: inout RunArguments,
                            for command: RunFlag.Commands, extra: [(long: String, short: Character?)] = [],
                            onExtra: (String) -> Void = { _ in }) -> Bool? {
        if arg.hasPrefix("--") {
            var name = String(arg.dropFirst(2))
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if extra.contains(where: { $0.long == name }) {
                guard value == nil else { return false }
                onExtra(name)
                return true
            }
            guard let flag = RunFlags.named(name), !flag.commands.isDisjoint(with: command) else { return false }
            if flag.kind != .flag {
                if value == nil {
                    guard i < args.count else { return false }
                    value = args[i]
                    i += 1
                }
            } else if value != nil {
                return false
            }
            return flag.apply(value ?? "", to: &result)
        }
        guard arg.hasPrefix("-"), arg.count > 1 else { return nil }
        // Clustered short flags (-ti); a short option that takes a value
        // ends the cluster and takes the next argument. A value joined to
        // it (-w/tmp) is ArgumentParser's to refuse: it does not take one,
        // and both parsers must agree.
        var rest = Substring(arg.dropFirst())
        while let ch = rest.first {
            rest = rest.dropFirst()
            if let own = extra.first(where: { $0.short == ch }) {
                onExtra(own.long)
                continue
            }
            guard let flag = RunFlags.withShort(ch), !flag.commands.isDisjoint(with: command) else { return false }
            var value = ""
            if flag.kind != .flag {
                guard rest.isEmpty, i < args.count else { return false }
                value = args[i]
                i += 1
            }
            guard flag.apply(value, to: &result) else { return false }
        }
        return true
    }

    /// Applies a list of flags (no image, no command) through `take`, one
    /// after the other; returns the flags it refused, each with its value.
    @discardableResult
    public mutating func apply(flags words: [String], for command: RunFlag.Commands) -> [String] {
        var refused: [String] = []
        var i = 0
        while i < words.count {
            let start = i
            i += 1
            if RunArguments.take(words[start], words, &i, into: &self, for: command) != true {
                i = max(i, start + 1)
                refused.append(words[start..<i].joined(separator: " "))
            }
        }
        return refused
    }

    /// `--preserve-fds N`: a decimal N >= 0 that leaves room above fd 2 in an int.
    public static func fdCount(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(text), n <= Int(Int32.max) - 3 else { return nil }
        return n
    }
}
