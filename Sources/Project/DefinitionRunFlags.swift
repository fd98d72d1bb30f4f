/// A project definition's container settings as `devbox run` flags, so the
/// files and the command line go through one parser and one planner. The
/// flags come first and the user's own after them: for a setting given in
/// both, the command line wins (single-valued flags are last-wins) and
/// repeatable ones add up.
public enum DefinitionRunFlags {
    /// runArgs devbox will not take from a file: they name or place the
    /// container, which is the environment's own business, or would make
    /// the file change where devbox keeps its store.
    /// `allow-project-profile` and `config` are the user's alone: a file
    /// cannot consent for them, or pick another file.
    static let refused: Set<String> = ["name", "detach", "rm", "root", "log-level", "project", "print-spec", "preserve-fds",
                                       "tty", "interactive", "allow-project-profile", "config"]

    public struct Result: Equatable, Sendable {
        /// Flags in `devbox run` syntax, every one known to RunFlags.table.
        public var arguments: [String]
        /// runArgs devbox does not take, as written (said in one warning).
        public var ignored: [String]
    }

    /// `keepID`: the `--userns keep-id:uid=U,gid=G` that updateRemoteUserUID
    /// asks for, computed by the caller once the image's users are known.
    public static func arguments(_ definition: EnvironmentDefinition, projectRoot: String,
                                 keepID: (uid: UInt32, gid: UInt32)? = nil) -> Result {
        var flags: [String] = []
        for entry in definition.containerEnv { flags += ["-e", entry] }
        for mount in definition.mounts { flags += ["--mount", mount] }
        // An empty workspaceMount: the CLI mounts no workspace; devbox's
        // project mount at its host path stays (it is what a run is).
        if let mount = definition.workspaceMount, !mount.isEmpty { flags += ["--mount", mount] }
        if let folder = definition.workspaceFolder, folder != projectRoot {
            // The project stays at its host path too (paths in tools' output
            // match the editor's); the folder is where commands start.
            if definition.workspaceMount == nil {
                flags += ["--mount", "type=bind,source=\(projectRoot),target=\(folder)"]
            }
            flags += ["-w", folder]
        }
        if let user = definition.containerUser { flags += ["-u", user] }
        for cap in definition.capAdd { flags += ["--cap-add", cap] }
        // privileged: only root gets here (rootless refuses it); the
        // consent check sees the weaker profile.
        if definition.privileged { flags += ["--profile", "unconfined"] }
        for option in definition.securityOpt { flags += ["--security-opt", option] }
        flags += filter(definition.extraRunFlags, projectRoot: projectRoot).accepted
        if let keepID { flags += ["--userns", "keep-id:uid=\(keepID.uid),gid=\(keepID.gid)"] }
        let (accepted, ignored) = filter(definition.runArgs, projectRoot: projectRoot)
        return Result(arguments: flags + accepted, ignored: ignored)
    }

    /// runArgs split into what RunFlags.table takes (kept with their values)
    /// and the rest. A value that does not parse counts as not taken.
    /// Relative host paths (`-v ./x:/y`, `--mount type=bind,src=x`,
    /// `--env-file .env`) are made absolute under the project root: a
    /// run resolves them from the caller's directory, which the file's
    /// author does not choose and the consent check could not see.
    static func filter(_ runArgs: [String], projectRoot: String = "/") -> (accepted: [String], ignored: [String]) {
        var accepted: [String] = [], ignored: [String] = []
        var i = 0
        while i < runArgs.count {
            let start = i
            let arg = runArgs[i]
            i += 1
            var scratch = RunArguments()
            if isRefused(arg) {
                // Its value, if it takes one, goes with it.
                if !arg.contains("="), let flag = valueFlag(arg), flag.kind != .flag, i < runArgs.count { i += 1 }
                ignored += runArgs[start..<i]
                continue
            }
            if RunArguments.take(arg, runArgs, &i, into: &scratch, for: .run) == true {
                // `--network host` from a file would override a user's
                // `--profile strict` (no network): host is the default
                // wherever the profile allows it, so it is left out.
                if scratch.networkGiven && scratch.network == .host { continue }
                accepted += anchored(Array(runArgs[start..<i]), projectRoot: projectRoot)
            } else {
                // An unknown flag's value (the next word, if it is not a flag) goes with it.
                i = start + 1
                if i < runArgs.count, !runArgs[i].hasPrefix("-"), !arg.contains("=") { i += 1 }
                ignored += runArgs[start..<i]
            }
        }
        return (accepted, ignored)
    }

    /// One flag's words with a relative host path made absolute under the
    /// project root (see filter); other flags unchanged.
    static func anchored(_ words: [String], projectRoot: String) -> [String] {
        guard let first = words.first, let flag = valueFlag(first), flag.kind != .flag else { return words }
        let value: String
        var rest: [String] = []
        if first.hasPrefix("--"), let eq = first.firstIndex(of: "=") {
            value = String(first[first.index(after: eq)...])
        } else if words.count == 2 {
            value = words[1]
            // A short cluster (`-tv x`): its other letters stay flags of their own.
            if !first.hasPrefix("--") { rest = first.dropFirst().dropLast().map { "-" + String($0) } }
        } else {
            return words
        }
        let root = projectRoot == "/" ? "" : projectRoot
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }
        let anchored: String
        switch flag.long {
        case "volume":
            var parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            // A source without a slash is a named volume; `.` and `..` are paths.
            if parts.count > 1, !parts[0].hasPrefix("/"), parts[0].contains("/") || parts[0] == "." || parts[0] == ".." {
                parts[0] = absolute(parts[0])
            }
            anchored = parts.joined(separator: ":")
        case "mount":
            let fields = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let isBind = fields.contains("type=bind")
            anchored = fields.map { field in
                for key in ["source=", "src="] where isBind && field.hasPrefix(key) {
                    return key + absolute(String(field.dropFirst(key.count)))
                }
                return field
            }.joined(separator: ",")
        case "env-file":
            anchored = absolute(value)
        default:
            return words
        }
        return rest + ["--" + flag.long, anchored]
    }

    /// The flag that takes the value in `arg`: `--name[=v]`, or the last
    /// letter of a short cluster (`-tv`).
    static func valueFlag(_ arg: String) -> RunFlag? {
        if arg.hasPrefix("--") { return RunFlags.named(String(arg.dropFirst(2)).split(separator: "=").first.map(String.init) ?? "") }
        if arg.count >= 2, arg.hasPrefix("-"), let ch = arg.last { return RunFlags.withShort(ch) }
        return nil
    }

    /// Any flag in `arg` the file may not give, every letter of a short
    /// cluster included (`-it` would force a terminal).
    static func isRefused(_ arg: String) -> Bool {
        if arg.hasPrefix("--") { return valueFlag(arg).map { refused.contains($0.long) } ?? false }
        guard arg.hasPrefix("-"), arg.count >= 2 else { return false }
        return arg.dropFirst().contains { RunFlags.withShort($0).map { refused.contains($0.long) } ?? false }
    }
}
