import CSandbox
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// The OCI runtime operations (runtime-spec runtime.md) over devbox's
/// Launcher. `create` forks a supervisor that clones the container's PID 1
/// and waits for it; the command blocks on `exec.fifo` until `start`.
/// Nothing here starts a thread: the supervisor clones from this process.
public struct OCIRuntime: Sendable {
    public var store: OCIStateStore
    public var debug = false

    public init(store: OCIStateStore, debug: Bool = false) {
        self.store = store
        self.debug = debug
    }

    public struct CreateOptions: Sendable {
        public var bundle: String
        public var pidFile: String?
        public var consoleSocket: String?
        /// `create` and `run --detach`: the supervisor is double-forked and
        /// setsid, its stdio /dev/null once PID 1 exists. Otherwise it is
        /// our child and keeps our stdio (a terminal is proxied there).
        public var detach = true

        public init(bundle: String, pidFile: String? = nil, consoleSocket: String? = nil, detach: Bool = true) {
            self.bundle = bundle
            self.pidFile = pidFile
            self.consoleSocket = consoleSocket
            self.detach = detach
        }
    }

    /// Returns the supervisor's pid (our child when not detached).
    @discardableResult
    public func create(id: String, options: CreateOptions) throws(OCIError) -> Int32 {
        try createContainer(id: id, options: options).supervisor
    }

    /// The supervisor's pid and the record as saved, for `run` to go on
    /// with without reading it back.
    private func createContainer(id: String, options: CreateOptions) throws(OCIError) -> (supervisor: Int32, record: OCIRecord) {
        try OCIStateStore.validate(id: id)
        let bundle = try OCIBundle.load(options.bundle)
        let spec = bundle.spec
        if spec.process.terminal && options.consoleSocket == nil && options.detach {
            throw .bundle("process.terminal is true: give --console-socket to receive the terminal, or set it false")
        }
        var helpers: (uid: String, gid: String)?
        if OCIBundle.needsMapHelpers(spec, euid: geteuid(), egid: getegid()) {
            guard FileSystem.isExecutable("/usr/bin/newuidmap"), FileSystem.isExecutable("/usr/bin/newgidmap") else {
                throw .bundle("the bundle maps id ranges: that needs newuidmap and newgidmap (install the uidmap package)")
            }
            helpers = ("/usr/bin/newuidmap", "/usr/bin/newgidmap")
        }
        try store.reserve(id)
        do {
            return try create(id: id, bundle: bundle, helpers: helpers, options: options)
        } catch {
            store.remove(id)
            throw error
        }
    }

    private func create(id: String, bundle: OCIBundle, helpers: (uid: String, gid: String)?,
                        options: CreateOptions) throws(OCIError) -> (supervisor: Int32, record: OCIRecord) {
        let spec = bundle.spec
        var record = OCIRecord(id: id, bundle: bundle.path, annotations: spec.annotations, created: Int64(time(nil)))
        record.hooks = spec.hooks
        record.supervisor = getpid()
        record.supervisorStartTime = ProcessStat.startTime(getpid())
        try store.save(record)
        guard mkfifo(store.fifo(id), 0o600) == 0 else { throw .failed("cannot create \(store.fifo(id)): \(errnoText())") }
        var consoleFD: Int32 = -1
        if let socket = options.consoleSocket {
            guard spec.process.terminal else { throw .bundle("--console-socket needs process.terminal: true in the bundle's config.json") }
            consoleFD = dbx_connect_unix(socket)
            if consoleFD < 0 { throw .failed("cannot connect to the console socket \(socket): \(String(cString: strerror(-consoleFD)))") }
        }
        defer { if consoleFD >= 0 { close(consoleFD) } }
        var info: [Int32] = [-1, -1], ready: [Int32] = [-1, -1]
        guard pipe(&info) == 0, pipe(&ready) == 0 else { throw .failed("cannot create a pipe: \(errnoText())") }
        for fd in [info[0], ready[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        let supervisor = dbx_fork()
        if supervisor < 0 { throw .failed("cannot start the container's supervisor: \(errnoText())") }
        if supervisor == 0 {
            close(info[0])
            close(ready[0])
            supervise(spec, fifo: store.fifo(id), helpers: helpers, detach: options.detach, infoFD: info[1], readyFD: ready[1],
                      consoleFD: consoleFD)
        }
        close(info[1])
        close(ready[1])
        if options.detach {
            var status: Int32 = 0
            _ = waitpid(supervisor, &status, 0)  // the intermediate child, gone at once
        }
        // "S pid" from the supervisor, "P pid" once PID 1 has its id maps.
        let lines = ASCII.split(readAll(info[0]), on: UInt8(ascii: "\n"))
        close(info[0])
        var pid1: Int32?
        var supervisorPID = supervisor
        for line in lines {
            let words = ASCII.words(line)
            guard words.count == 2, let value = Int32(words[1]) else { continue }
            if words[0] == "S" { supervisorPID = value } else if words[0] == "P" { pid1 = value }
        }
        var byte: UInt8 = 0
        let readyRead = read(ready[0], &byte, 1)
        close(ready[0])
        guard let pid1, readyRead == 1 else {
            if !options.detach { var status: Int32 = 0; _ = waitpid(supervisor, &status, 0) }
            throw .failed("container '\(id)' could not be set up (the reason is above)")
        }
        record.pid = pid1
        record.pidStartTime = ProcessStat.startTime(pid1)
        record.supervisor = supervisorPID
        record.supervisorStartTime = ProcessStat.startTime(supervisorPID)
        try store.save(record)
        do {
            // Approximation (docs/OCI.md): createRuntime, prestart and
            // createContainer all run in the runtime's namespaces, once the
            // container's namespaces and mounts exist, before `create` returns.
            var state = store.state(record)
            state.status = .creating
            try OCIHooks.run(spec.hooks?.prestart, name: "prestart", state: state, bundle: bundle.path)
            try OCIHooks.run(spec.hooks?.createRuntime, name: "createRuntime", state: state, bundle: bundle.path)
            try OCIHooks.run(spec.hooks?.createContainer, name: "createContainer", state: state, bundle: bundle.path)
        } catch {
            _ = dbx_kill(pid1, SIGKILL)
            waitGone(pid1, startTime: record.pidStartTime)
            throw error
        }
        if let pidFile = options.pidFile, !FileSystem.writeAtomically(pidFile, contents: String(pid1)) {
            _ = dbx_kill(pid1, SIGKILL)
            throw .failed("cannot write the pid file \(pidFile): \(errnoText())")
        }
        return (supervisor, record)
    }

    /// The supervisor: launches the spec and waits for PID 1. Never returns.
    private func supervise(_ spec: RuntimeSpec, fifo: String, helpers: (uid: String, gid: String)?, detach: Bool,
                           infoFD: Int32, readyFD: Int32, consoleFD: Int32) -> Never {
        if detach {
            _ = setsid()
            let child = dbx_fork()
            if child != 0 { _exit(child < 0 ? 1 : 0) }
        }
        let keep = [infoFD, readyFD, consoleFD]
        keep.withUnsafeBufferPointer { dbx_close_fds_except($0.baseAddress, $0.count) }
        let startFD = open(fifo, O_RDWR | O_CLOEXEC)
        if startFD < 0 { printLine("devbox: cannot open \(fifo): \(errnoText())"); _exit(125) }
        writeText(infoFD, "S \(getpid())\n")
        var environment = LaunchEnvironment(mapHelpers: helpers, hostsFile: nil, debug: debug, forwardStdin: true, runtimeDir: nil)
        environment.readyFD = readyFD
        environment.startFD = startFD
        environment.consoleSocketFD = consoleFD
        environment.onStarted = { pid in
            writeText(infoFD, "P \(pid)\n")
            // The console socket stays: the master reaches it after this.
            for fd in [infoFD, readyFD, startFD] where fd >= 0 { close(fd) }
            if detach {
                // Only PID 1 and its command keep the caller's stdio.
                let null = open("/dev/null", O_RDWR | O_CLOEXEC)
                if null >= 0 { for fd in Int32(0)...2 { dup2(null, fd) }; close(null) }
            }
        }
        do {
            _exit(try Launcher.run(spec, environment: environment))
        } catch {
            printLine("devbox: \(error)")
            _exit(125)
        }
    }

    public func start(id: String) throws(OCIError) {
        try start(try store.load(id))
    }

    private func start(_ record: OCIRecord) throws(OCIError) {
        let id = record.id
        let status = store.status(record)
        guard status == .created, let pid = record.pid else { throw .notCreated(id, status: status.rawValue) }
        do {
            try OCIHooks.run(record.hooks?.startContainer, name: "startContainer", state: store.state(record), bundle: record.bundle)
        } catch {
            _ = dbx_kill(pid, SIGKILL)
            throw error
        }
        let fd = open(store.fifo(id), O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .failed("container '\(id)' is no longer waiting to start: its process exited") }
        var go: UInt8 = 0x30
        let written = write(fd, &go, 1)
        close(fd)
        guard written == 1 else { throw .failed("cannot start container '\(id)': \(errnoText())") }
        unlink(store.fifo(id))
        var state = store.state(record)
        state.status = .running
        do {
            try OCIHooks.run(record.hooks?.poststart, name: "poststart", state: state, bundle: record.bundle)
        } catch {
            printLine("devbox: warning: \(error)")  // runtime.md: a failed poststart hook is only logged
        }
    }

    public func kill(id: String, signal: Int32) throws(OCIError) {
        let record = try store.load(id)
        let status = store.status(record)
        guard status == .created || status == .running, let pid = record.pid else { throw .stopped(id) }
        let rc = dbx_kill(pid, signal)
        if rc < 0 { throw .failed("cannot signal container '\(id)': \(String(cString: strerror(-rc)))") }
    }

    public func delete(id: String, force: Bool) throws(OCIError) {
        try delete(try store.load(id), force: force)
    }

    private func delete(_ record: OCIRecord, force: Bool) throws(OCIError) {
        let id = record.id
        let status = store.status(record)
        if status != .stopped {
            guard force else { throw .notStopped(id, status: status.rawValue) }
            if let pid = record.pid {
                _ = dbx_kill(pid, SIGKILL)
                waitGone(pid, startTime: record.pidStartTime)
            }
        }
        var state = store.state(record)
        state.status = .stopped
        do {
            try OCIHooks.run(record.hooks?.poststop, name: "poststop", state: state, bundle: record.bundle)
        } catch {
            printLine("devbox: warning: \(error)")  // runtime.md: a failed poststop hook is only logged
        }
        store.remove(id)
    }

    /// create + start; in the foreground waits and returns the container's
    /// exit status, then deletes it as `runc run` does.
    public func run(id: String, options: CreateOptions) throws(OCIError) -> Int32 {
        let (supervisor, record) = try createContainer(id: id, options: options)
        do {
            try start(record)
        } catch {
            try? delete(record, force: true)
            throw error
        }
        if options.detach { return 0 }
        let status = dbx_wait_forwarding(supervisor)
        try? delete(record, force: true)
        return status
    }

    private func waitGone(_ pid: Int32, startTime: UInt64?) {
        for _ in 0..<500 where ProcessStat.alive(pid, startTime: startTime) { usleep(10_000) }
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }

private func printLine(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

private func writeText(_ fd: Int32, _ text: String) {
    _ = text.withCString { write(fd, $0, strlen($0)) }
}

private func readAll(_ fd: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 256)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
