// Generated from RunFlags.table (Sources/Project/RunFlags+Table.swift)
// by `make run-flags`; do not edit.
import ArgumentParser

struct ExecFlagOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Allocate a pseudo-terminal.")
    var `tty` = false

    @Flag(name: [.customShort("i"), .customLong("interactive")], help: "Keep stdin open: in the foreground it is always passed through; detached, `devbox attach` can write to it.")
    var `interactive` = false

    @Flag(name: [.customShort("d"), .customLong("detach")], help: "Run in the background (run: as a named container, printing its id).")
    var `detach` = false

    @Option(name: [.customLong("project")], parsing: .unconditional, help: ArgumentHelp("The project directory, instead of the one found from the current directory (needed for your home directory).", valueName: "DIR"), completion: .directory)
    var `project`: String?

    @Option(name: [.customLong("config")], parsing: .unconditional, help: ArgumentHelp("The project's devcontainer.json, when .devcontainer holds several (default: found as the spec says).", valueName: "FILE"), completion: .file())
    var `config`: String?

    @Flag(name: [.customLong("allow-project-profile")], help: "Accept what the project asks that weakens the sandbox: a weaker project profile (.devbox/profiles), or capabilities, host paths or a weaker profile in its devbox.toml or devcontainer.json (remembered per project).")
    var `allowProjectProfile` = false

    @Option(name: [.customLong("preserve-fds")], parsing: .unconditional, help: ArgumentHelp("Pass fds 3 to 3+N-1 into the command (others are closed).", valueName: "N"))
    var `preserveFds`: String?

    @Option(name: [.customShort("u"), .customLong("user")], parsing: .unconditional, help: ArgumentHelp("Run as this user (a name or uid; a name is looked up in the image's /etc/passwd).", valueName: "USER[:GROUP]"))
    var `user`: String?

    @Option(name: [.customShort("e"), .customLong("env")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Set KEY=VAL, or pass KEY from the host.", valueName: "KEY=VAL"))
    var `env`: [String] = []

    @Option(name: [.customLong("env-file")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Read KEY=VAL lines from a file.", valueName: "FILE"), completion: .file())
    var `envFile`: [String] = []

    @Option(name: [.customShort("w"), .customLong("workdir")], parsing: .unconditional, help: ArgumentHelp("Working directory inside (default: the current one).", valueName: "DIR"))
    var `workdir`: String?

    /// Each flag's long name and the values given, for RunFlags.apply.
    var given: [(long: String, values: [String])] {
        [
            ("tty", `tty` ? [""] : []),
            ("interactive", `interactive` ? [""] : []),
            ("detach", `detach` ? [""] : []),
            ("project", `project`.map { [$0] } ?? []),
            ("config", `config`.map { [$0] } ?? []),
            ("allow-project-profile", `allowProjectProfile` ? [""] : []),
            ("preserve-fds", `preserveFds`.map { [$0] } ?? []),
            ("user", `user`.map { [$0] } ?? []),
            ("env", `env`),
            ("env-file", `envFile`),
            ("workdir", `workdir`.map { [$0] } ?? []),
        ]
    }
}
