import Containers
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// Runs devcontainer.json's lifecycle commands (and devbox.toml's `setup`)
/// inside the environment, each as often as the spec says: the create-time
/// stages once per environment, remembered in `lifecycle/<stage>` under the
/// container's directory (so stop/start, a second `up` and a reboot do not
/// run them again; `rm` forgets them with the container), postStart on
/// every start. Their output goes to stderr: `up --format json` keeps
/// stdout for its result.
struct LifecycleRunner {
    let store: ContainerStore
    let id: String
    let template: ExecTemplate
    let settings: RemoteSettings
    let definition: EnvironmentDefinition

    enum Failure: Error, CustomStringConvertible {
        case failed(stage: String, status: Int32)
        case cannotRun(stage: String, reason: String)

        var description: String {
            switch self {
            case .failed(let stage, let status):
                return "\(stage) failed (exit \(status)); fix it in the config and run `devbox up` again (it runs again until it succeeds)"
            case .cannotRun(let stage, let reason):
                return "cannot run \(stage): \(reason)"
            }
        }
    }

    /// The stages due now, in order. `started`: the container was started
    /// by this `up`. `attaching`: a shell attaches (postAttachCommand).
    /// `stopAfter`: `up --skip-non-blocking-commands` ends after this stage
    /// (devcontainer.json's waitFor); the stages after it stay due.
    func run(started: Bool, attaching: Bool, stopAfter: LifecycleStage? = nil) throws(Failure) {
        let directory = store.lifecycleDirectory(id)
        _ = FileSystem.makeDirectories(directory, mode: 0o700)
        // Two `up`s at once: the second waits, then finds the markers.
        let lock: ContainerLock?
        do { lock = try ContainerLock(directory + "/lock", exclusive: true, wait: true) } catch {
            throw .cannotRun(stage: "the lifecycle commands", reason: error.description)
        }
        defer { lock?.release() }
        if stopAfter == .initializeCommand { return }
        for stage in LifecycleStage.allCases where stage != .initializeCommand {
            if stage == .postStartCommand && !started { continue }
            if stage == .postAttachCommand && !attaching { continue }
            let marker = directory + "/" + stage.rawValue
            if !(stage.oncePerEnvironment && FileSystem.exists(marker)) {
                for command in definition.lifecycle[stage] ?? [] {
                    try runInside(command, stage: stage.rawValue)
                }
                if stage.oncePerEnvironment, !FileSystem.writeAtomically(marker, contents: Timestamp.now().rfc3339 + "\n") {
                    throw .cannotRun(stage: stage.rawValue, reason: "it ran, but \(marker) cannot be written (\(String(cString: strerror(errno)))), so it would run again")
                }
            }
            // setup follows onCreateCommand, and runs again when it changes.
            if stage == .onCreateCommand { try runSetup(directory: directory) }
            if stage == stopAfter { return }
        }
    }

    /// Every create-time stage has run (and setup is current): nothing an
    /// image's metadata adds can be due, so `up` need not plan again.
    static func createStagesDone(store: ContainerStore, id: String, definition: EnvironmentDefinition) -> Bool {
        let directory = store.lifecycleDirectory(id)
        let stages = LifecycleStage.allCases.filter(\.oncePerEnvironment)
        guard stages.allSatisfy({ FileSystem.exists(directory + "/" + $0.rawValue) }) else { return false }
        guard !definition.setup.isEmpty else { return true }
        return FileSystem.read(directory + "/setup")?.hasPrefix(setupDigest(definition.setup)) == true
    }

    static func setupDigest(_ setup: [String]) -> String {
        SHA256.hex(Array(setup.joined(separator: "\u{0}").utf8))
    }

    /// devbox.toml's `setup`: again whenever the list changes.
    func runSetup(directory: String) throws(Failure) {
        guard !definition.setup.isEmpty else { return }
        let marker = directory + "/setup"
        let digest = Self.setupDigest(definition.setup)
        if FileSystem.read(marker)?.hasPrefix(digest) == true { return }
        for command in definition.setup {
            try runInside(.shell(command), stage: "setup")
        }
        _ = FileSystem.writeAtomically(marker, contents: digest + "\n")
    }

    func runInside(_ command: LifecycleCommand, stage: String) throws(Failure) {
        guard let argv = Self.argv(command), !argv.isEmpty else { return }
        printError("devbox: \(stage): \(Self.display(command))")
        var request = ExecRequest(command: argv)
        request.environment = RemoteEnvironment.environment(settings, template: template, extra: [])
        request.workdir = settings.workspaceFolder
        request.user = settings.user
        // stdout to stderr, stdin from /dev/null: the command is not
        // interactive, and stdout is `up`'s.
        let savedIn = dup(0), savedOut = dup(1)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 { dup2(null, 0); close(null) }
        dup2(2, 1)
        defer {
            dup2(savedIn, 0); dup2(savedOut, 1)
            close(savedIn); close(savedOut)
        }
        let status: Int32
        do { status = try ChildExec.run(request, template: template) } catch {
            throw .cannotRun(stage: stage, reason: error.description)
        }
        guard status == 0 else { throw .failed(stage: stage, status: status) }
    }

    /// A string runs under /bin/sh -c, an array as it is; an object's
    /// commands run at the same time under one shell, which fails if any
    /// of them fails.
    static func argv(_ command: LifecycleCommand) -> [String]? {
        switch command {
        case .shell(let text): return text.isEmpty ? nil : ["/bin/sh", "-c", text]
        case .argv(let words): return words.isEmpty ? nil : words
        case .parallel(let entries):
            var script = "status=0\n"
            for (i, entry) in entries.enumerated() {
                guard let words = argv(entry.command) else { continue }
                script += "( " + words.map(ShellQuote.quote).joined(separator: " ") + " ) & p\(i)=$!\n"
            }
            for (i, entry) in entries.enumerated() where argv(entry.command) != nil {
                script += "wait $p\(i) || { echo \(ShellQuote.quote("devbox: " + entry.name + " failed")) >&2; status=1; }\n"
            }
            return entries.isEmpty ? nil : ["/bin/sh", "-c", script + "exit $status"]
        }
    }

    static func display(_ command: LifecycleCommand) -> String {
        switch command {
        case .shell(let text): return text
        case .argv(let words): return words.map(ShellQuote.quote).joined(separator: " ")
        case .parallel(let entries): return entries.map { $0.name + ": " + display($0.command) }.joined(separator: " & ")
        }
    }
}

/// `'...'` quoting for POSIX sh.
enum ShellQuote {
    static func quote(_ word: String) -> String {
        let safe = !word.isEmpty && word.utf8.allSatisfy {
            ASCII.isAlphanumeric($0) || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "="),
                                         UInt8(ascii: ":"), UInt8(ascii: ",")].contains($0)
        }
        return safe ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

/// An exec from a process that goes on afterwards (`up` runs several):
/// joining a container's namespaces changes the joining process for good
/// (exec.c enters them, then forks), so each exec happens in a child of
/// ours and only its status comes back.
enum ChildExec {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ request: ExecRequest, template: ExecTemplate) throws(Failure) -> Int32 {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure(description: "cannot create a pipe: \(String(cString: strerror(errno)))") }
        let pid = fork()
        if pid == 0 {
            close(fds[0])
            do {
                _exit(try ExecLauncher.exec(request, template: template, replaceEnvironment: true))
            } catch {
                let text = error.description
                _ = text.withCString { write(fds[1], $0, strlen($0)) }
                _exit(125)
            }
        }
        close(fds[1])
        guard pid > 0 else {
            close(fds[0])
            throw Failure(description: "cannot fork: \(String(cString: strerror(errno)))")
        }
        var message: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            message += buffer[0..<n]
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if !message.isEmpty { throw Failure(description: String(decoding: message, as: UTF8.self)) }
        return WaitStatus.exitCode(status)
    }
}
