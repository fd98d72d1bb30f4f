// Generated from RunFlags.table (Sources/Project/RunFlags+Table.swift)
// by `make run-flags`; do not edit.
import ArgumentParser

struct RunFlagOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Allocate a pseudo-terminal.")
    var `tty` = false

    @Flag(name: [.customShort("i"), .customLong("interactive")], help: "Keep stdin open: in the foreground it is always passed through; detached, `devbox attach` can write to it.")
    var `interactive` = false

    @Flag(name: [.customLong("rm")], help: "Use a throwaway writable layer: nothing the command changes outside the project is kept.")
    var `rm` = false

    @Flag(name: [.customShort("d"), .customLong("detach")], help: "Run in the background (run: as a named container, printing its id).")
    var `detach` = false

    @Option(name: [.customLong("name")], parsing: .unconditional, help: ArgumentHelp("The container's name (a run with --name is kept as a named container).", valueName: "NAME"))
    var `name`: String?

    @Option(name: [.customShort("l"), .customLong("label")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Attach a label to the container.", valueName: "KEY=VAL"))
    var `label`: [String] = []

    @Option(name: [.customLong("network"), .customLong("net")], parsing: .unconditional, help: ArgumentHelp("Network: host (share the host's) or none (only loopback); default: the profile's.", valueName: "MODE"), completion: .list(["host", "none"]))
    var `network`: String?

    @Option(name: [.customLong("add-host")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Add a line to the container's /etc/hosts.", valueName: "HOST:IP"))
    var `addHost`: [String] = []

    @Option(name: [.customLong("dns")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Use this name server (a generated /etc/resolv.conf instead of the host's).", valueName: "IP"))
    var `dns`: [String] = []

    @Option(name: [.customLong("profile")], parsing: .unconditional, help: ArgumentHelp("Security profile: a name (`devbox profile list`) or a file.", valueName: "NAME|PATH"), completion: .custom(DynamicCompletion.profiles))
    var `profile`: String?

    @Option(name: [.customLong("cap-add")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Add a capability to the profile's.", valueName: "CAP"))
    var `capAdd`: [String] = []

    @Option(name: [.customLong("cap-drop")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Drop a capability from the profile's (ALL for every one).", valueName: "CAP"))
    var `capDrop`: [String] = []

    @Flag(name: [.customLong("read-only")], help: "Make everything but the project, writable volumes, /tmp and /dev read-only.")
    var `readOnly` = false

    @Option(name: [.customLong("security-opt")], parsing: .unconditionalSingleValue, help: ArgumentHelp("seccomp=unconfined, seccomp=FILE or no-new-privileges (forces no_new_privs on), as podman spells them.", valueName: "OPT"))
    var `securityOpt`: [String] = []

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

    @Option(name: [.customLong("group-add")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Add a supplementary group (a name or gid).", valueName: "GROUP"))
    var `groupAdd`: [String] = []

    @Option(name: [.customLong("userns")], parsing: .unconditional, help: ArgumentHelp("User namespace mode: keep-id keeps your uid/gid inside, keep-id:uid=U,gid=G maps you onto U/G (default: you are root inside).", valueName: "MODE"))
    var `userns`: String?

    @Option(name: [.customLong("home")], parsing: .unconditional, help: ArgumentHelp("Home directory: container (the project's own, persisted) or host (your real one).", valueName: "MODE"), completion: .list(["container", "host"]))
    var `home`: String?

    @Option(name: [.customShort("v"), .customLong("volume")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Bind mount SRC:DST[:ro]; a SRC without a slash is a named volume, /DST alone an anonymous one.", valueName: "SRC:DST[:ro]"), completion: .file())
    var `volume`: [String] = []

    @Option(name: [.customLong("mount")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Mount a bind, volume or tmpfs, as podman spells it (source/src, destination/dst/target, readonly/ro, tmpfs-size).", valueName: "type=TYPE,src=SRC,dst=DST[,ro]"))
    var `mount`: [String] = []

    @Option(name: [.customLong("tmpfs")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Mount a tmpfs on PATH (options such as size=64m,noexec).", valueName: "PATH[:OPTS]"))
    var `tmpfs`: [String] = []

    @Option(name: [.customLong("device")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Bind a device node (rootless: only one you can open).", valueName: "HOST[:CONTAINER][:rwm]"), completion: .file())
    var `device`: [String] = []

    @Option(name: [.customLong("shm-size")], parsing: .unconditional, help: ArgumentHelp("Size of /dev/shm (e.g. 64m, 1g; default 64m).", valueName: "SIZE"))
    var `shmSize`: String?

    @Option(name: [.customShort("e"), .customLong("env")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Set KEY=VAL, or pass KEY from the host.", valueName: "KEY=VAL"))
    var `env`: [String] = []

    @Option(name: [.customLong("env-file")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Read KEY=VAL lines from a file.", valueName: "FILE"), completion: .file())
    var `envFile`: [String] = []

    @Flag(name: [.customLong("env-host")], help: "Pass the host's whole environment.")
    var `envHost` = false

    @Option(name: [.customShort("w"), .customLong("workdir")], parsing: .unconditional, help: ArgumentHelp("Working directory inside (default: the current one).", valueName: "DIR"))
    var `workdir`: String?

    @Option(name: [.customLong("hostname")], parsing: .unconditional, help: ArgumentHelp("Hostname inside the container.", valueName: "NAME"))
    var `hostname`: String?

    @Option(name: [.customLong("entrypoint")], parsing: .unconditional, help: ArgumentHelp("Replace the image's Entrypoint (\"\" clears it).", valueName: "CMD"))
    var `entrypoint`: String?

    @Option(name: [.customLong("pull")], parsing: .unconditional, help: ArgumentHelp("Pull the image: always, missing (default), never or newer.", valueName: "POLICY"), completion: .list(["always", "missing", "never", "newer"]))
    var `pull`: String?

    @Option(name: [.customLong("ulimit")], parsing: .unconditionalSingleValue, help: ArgumentHelp("Set a resource limit (nofile=1024:2048, core=0).", valueName: "NAME=SOFT[:HARD]"))
    var `ulimit`: [String] = []

    @Option(name: [.customLong("stop-signal")], parsing: .unconditional, help: ArgumentHelp("Signal that stops the container (default SIGTERM).", valueName: "SIGNAL"))
    var `stopSignal`: String?

    @Option(name: [.customLong("stop-timeout")], parsing: .unconditional, help: ArgumentHelp("Seconds to wait after the stop signal before SIGKILL.", valueName: "SECONDS"))
    var `stopTimeout`: String?

    @Flag(name: [.customLong("init")], help: "Accepted for podman compatibility: devbox's own init is always PID 1.")
    var `init` = false

    @Flag(name: [.customLong("gui")], help: "Share your display: the X11 socket directory (DISPLAY, XAUTHORITY) and the Wayland socket (WAYLAND_DISPLAY).")
    var `gui` = false

    @Flag(name: [.customLong("print-spec")], help: "Print the OCI runtime spec (config.json) instead of running it.")
    var `printSpec` = false

    /// Each flag's long name and the values given, for RunFlags.apply.
    var given: [(long: String, values: [String])] {
        [
            ("tty", `tty` ? [""] : []),
            ("interactive", `interactive` ? [""] : []),
            ("rm", `rm` ? [""] : []),
            ("detach", `detach` ? [""] : []),
            ("name", `name`.map { [$0] } ?? []),
            ("label", `label`),
            ("network", `network`.map { [$0] } ?? []),
            ("add-host", `addHost`),
            ("dns", `dns`),
            ("profile", `profile`.map { [$0] } ?? []),
            ("cap-add", `capAdd`),
            ("cap-drop", `capDrop`),
            ("read-only", `readOnly` ? [""] : []),
            ("security-opt", `securityOpt`),
            ("project", `project`.map { [$0] } ?? []),
            ("config", `config`.map { [$0] } ?? []),
            ("allow-project-profile", `allowProjectProfile` ? [""] : []),
            ("preserve-fds", `preserveFds`.map { [$0] } ?? []),
            ("user", `user`.map { [$0] } ?? []),
            ("group-add", `groupAdd`),
            ("userns", `userns`.map { [$0] } ?? []),
            ("home", `home`.map { [$0] } ?? []),
            ("volume", `volume`),
            ("mount", `mount`),
            ("tmpfs", `tmpfs`),
            ("device", `device`),
            ("shm-size", `shmSize`.map { [$0] } ?? []),
            ("env", `env`),
            ("env-file", `envFile`),
            ("env-host", `envHost` ? [""] : []),
            ("workdir", `workdir`.map { [$0] } ?? []),
            ("hostname", `hostname`.map { [$0] } ?? []),
            ("entrypoint", `entrypoint`.map { [$0] } ?? []),
            ("pull", `pull`.map { [$0] } ?? []),
            ("ulimit", `ulimit`),
            ("stop-signal", `stopSignal`.map { [$0] } ?? []),
            ("stop-timeout", `stopTimeout`.map { [$0] } ?? []),
            ("init", `init` ? [""] : []),
            ("gui", `gui` ? [""] : []),
            ("print-spec", `printSpec` ? [""] : []),
        ]
    }
}
