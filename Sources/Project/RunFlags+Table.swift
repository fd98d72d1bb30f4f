extension RunFlags {
    /// Every flag of `devbox run`/`create`/`exec`. Adding one: an entry here,
    /// a field in RunArguments, then `make run-flags completions`. The order
    /// is `--help`'s. Values checked here (choices, numbers) are usage
    /// errors on both parsing paths; what needs the host or the image is
    /// checked later, in RunInvocation.makeOptions and the planners.
    public static let table: [RunFlag] = [
        RunFlag("root", .option, value: "DIR", completion: .directory, commands: .all, global: true,
                help: "Storage directory (default: $XDG_DATA_HOME/devbox).") { $0.dataRoot = $1; return true },
        RunFlag("log-level", .option, value: "LEVEL", completion: .list(["error", "warn", "info", "debug"]), commands: .all,
                global: true, help: "Log level: error, warn, info or debug.") { a, v in
            guard RunArguments.logLevels.contains(v) else { return false }
            a.logLevel = v
            return true
        },
        RunFlag("storage-driver", .option, value: "DRIVER", completion: .list(RunOptions.StorageDriver.allCases.map(\.rawValue)),
                commands: .all, global: true,
                help: "Layering: overlay (kernel overlayfs), fuse (devbox's FUSE overlay, kernel overlay's on-disk format) or copy (the image's layers copied into the container's own root); default: DEVBOX_STORAGE_DRIVER, else what `devbox info` found works.") { a, v in
            guard RunOptions.StorageDriver(rawValue: v) != nil else { return false }
            a.storageDriver = v
            return true
        },
        RunFlag("tty", short: "t", .flag, commands: .all, help: "Allocate a pseudo-terminal.") { a, _ in a.tty = true; return true },
        RunFlag("interactive", short: "i", .flag, commands: .all,
                help: "Keep stdin open: in the foreground it is always passed through; detached, `devbox attach` can write to it.") { a, _ in
            a.interactive = true
            return true
        },
        RunFlag("rm", .flag, help: "Use a throwaway writable layer: nothing the command changes outside the project is kept.") { a, _ in
            a.remove = true
            return true
        },
        RunFlag("detach", short: "d", .flag, commands: [.run, .exec], help: "Run in the background (run: as a named container, printing its id).") { a, _ in
            a.detach = true
            return true
        },
        RunFlag("name", .option, value: "NAME", help: "The container's name (a run with --name is kept as a named container).") { $0.name = $1; return true },
        RunFlag("label", short: "l", .repeatable, value: "KEY=VAL", help: "Attach a label to the container.") { a, v in
            a.labels.append(v)
            return true
        },
        RunFlag("network", aliases: ["net"], .option, value: "MODE", completion: .list(["host", "none"]),
                help: "Network: host (share the host's) or none (only loopback); default: the profile's.") { a, v in
            guard let mode = RunOptions.Network(rawValue: v) else { return false }
            a.network = mode
            a.networkGiven = true
            return true
        },
        RunFlag("add-host", .repeatable, value: "HOST:IP", help: "Add a line to the container's /etc/hosts.") { a, v in
            a.addHosts.append(v)
            return true
        },
        RunFlag("dns", .repeatable, value: "IP", help: "Use this name server (a generated /etc/resolv.conf instead of the host's).") { a, v in
            a.dns.append(v)
            return true
        },
        RunFlag("profile", .option, value: "NAME|PATH", completion: .dynamic("profiles"),
                help: "Security profile: a name (`devbox profile list`) or a file.") { $0.profile = $1; return true },
        RunFlag("cap-add", .repeatable, value: "CAP", help: "Add a capability to the profile's.") { a, v in
            a.capAdd.append(v)
            return true
        },
        RunFlag("cap-drop", .repeatable, value: "CAP", help: "Drop a capability from the profile's (ALL for every one).") { a, v in
            a.capDrop.append(v)
            return true
        },
        RunFlag("read-only", .flag, help: "Make everything but the project, writable volumes, /tmp and /dev read-only.") { a, _ in
            a.readOnly = true
            return true
        },
        RunFlag("security-opt", .repeatable, value: "OPT",
                help: "seccomp=unconfined, seccomp=FILE or no-new-privileges (forces no_new_privs on), as podman spells them.") { a, v in
            a.securityOpt.append(v)
            return true
        },
        RunFlag("project", .option, value: "DIR", completion: .directory, commands: .all,
                help: "The project directory, instead of the one found from the current directory (needed for your home directory).") {
            $0.project = $1
            return true
        },
        RunFlag("config", .option, value: "FILE", completion: .file, commands: .all,
                help: "The project's devcontainer.json, when .devcontainer holds several (default: found as the spec says).") {
            $0.configFile = $1
            return true
        },
        RunFlag("allow-project-profile", .flag, commands: .all,
                help: "Accept what the project asks that weakens the sandbox: a weaker project profile (.devbox/profiles), or capabilities, host paths or a weaker profile in its devbox.toml or devcontainer.json (remembered per project).") { a, _ in
            a.allowProjectProfile = true
            return true
        },
        RunFlag("preserve-fds", .option, value: "N", commands: [.run, .exec],
                help: "Pass fds 3 to 3+N-1 into the command (others are closed).") { a, v in
            guard let count = RunArguments.fdCount(v) else { return false }
            a.preserveFDs = count
            return true
        },
        RunFlag("user", short: "u", .option, value: "USER[:GROUP]", commands: .all,
                help: "Run as this user (a name or uid; a name is looked up in the image's /etc/passwd).") { $0.user = $1; return true },
        RunFlag("group-add", .repeatable, value: "GROUP", help: "Add a supplementary group (a name or gid).") { a, v in
            a.groupAdd.append(v)
            return true
        },
        RunFlag("userns", .option, value: "MODE",
                help: "User namespace mode: keep-id keeps your uid/gid inside, keep-id:uid=U,gid=G maps you onto U/G (default: you are root inside).") {
            $0.userns = $1
            return true
        },
        RunFlag("home", .option, value: "MODE", completion: .list(["container", "host"]),
                help: "Home directory: container (the project's own, persisted) or host (your real one).") { a, v in
            guard let mode = RunOptions.HomeMode(rawValue: v) else { return false }
            a.home = mode
            return true
        },
        RunFlag("volume", short: "v", .repeatable, value: "SRC:DST[:ro]", completion: .file,
                help: "Bind mount SRC:DST[:ro]; a SRC without a slash is a named volume, /DST alone an anonymous one.") { a, v in
            a.volumes.append(v)
            return true
        },
        RunFlag("mount", .repeatable, value: "type=TYPE,src=SRC,dst=DST[,ro]",
                help: "Mount a bind, volume or tmpfs, as podman spells it (source/src, destination/dst/target, readonly/ro, tmpfs-size).") {
            a, v in
            a.mounts.append(v)
            return true
        },
        RunFlag("tmpfs", .repeatable, value: "PATH[:OPTS]", help: "Mount a tmpfs on PATH (options such as size=64m,noexec).") { a, v in
            a.tmpfs.append(v)
            return true
        },
        RunFlag("device", .repeatable, value: "HOST[:CONTAINER][:rwm]", completion: .file,
                help: "Bind a device node (rootless: only one you can open).") { a, v in
            a.devices.append(v)
            return true
        },
        RunFlag("shm-size", .option, value: "SIZE", help: "Size of /dev/shm (e.g. 64m, 1g; default 64m).") { $0.shmSize = $1; return true },
        RunFlag("env", short: "e", .repeatable, value: "KEY=VAL", commands: .all, help: "Set KEY=VAL, or pass KEY from the host.") { a, v in
            a.env.append(v)
            return true
        },
        RunFlag("env-file", .repeatable, value: "FILE", completion: .file, commands: .all, help: "Read KEY=VAL lines from a file.") { a, v in
            a.envFiles.append(v)
            return true
        },
        RunFlag("env-host", .flag, help: "Pass the host's whole environment.") { a, _ in a.envHost = true; return true },
        RunFlag("workdir", short: "w", .option, value: "DIR", commands: .all,
                help: "Working directory inside (default: the current one).") { $0.workdir = $1; return true },
        RunFlag("hostname", .option, value: "NAME", help: "Hostname inside the container.") { $0.hostname = $1; return true },
        RunFlag("entrypoint", .option, value: "CMD", help: "Replace the image's Entrypoint (\"\" clears it).") { $0.entrypoint = $1; return true },
        RunFlag("pull", .option, value: "POLICY", completion: .list(RunOptions.PullPolicy.allCases.map(\.rawValue)),
                help: "Pull the image: always, missing (default), never or newer.") { a, v in
            guard let policy = RunOptions.PullPolicy(rawValue: v) else { return false }
            a.pull = policy
            return true
        },
        RunFlag("ulimit", .repeatable, value: "NAME=SOFT[:HARD]", help: "Set a resource limit (nofile=1024:2048, core=0).") { a, v in
            a.ulimits.append(v)
            return true
        },
        RunFlag("stop-signal", .option, value: "SIGNAL", help: "Signal that stops the container (default SIGTERM).") {
            $0.stopSignal = $1
            return true
        },
        RunFlag("stop-timeout", .option, value: "SECONDS", help: "Seconds to wait after the stop signal before SIGKILL.") { a, v in
            guard !v.isEmpty, v.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Int(v), seconds <= Int(Int32.max) else { return false }
            a.stopTimeout = seconds
            return true
        },
        RunFlag("init", .flag, help: "Accepted for podman compatibility: devbox's own init is always PID 1.") { a, _ in
            a.initProcess = true
            return true
        },
        RunFlag("gui", .flag,
                help: "Share your display: the X11 socket directory (DISPLAY, XAUTHORITY) and the Wayland socket (WAYLAND_DISPLAY).") { a, _ in
            a.gui = true
            return true
        },
        RunFlag("print-spec", .flag, commands: .run, help: "Print the OCI runtime spec (config.json) instead of running it.") { a, _ in
            a.printSpec = true
            return true
        },
    ]
}
