import Containers
import Project
import ImageStore
import FoundationEssentials
import OCI
import Platform
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// The process that watches one container, like podman's conmon: it is
/// PID 1's parent, records the start and the exit, appends the events and
/// (detached) keeps the log. It exists exactly as long as the container.
///
/// Detached, it is started by `devbox start`/`run -d` as
/// `devbox-supervise ID DATA RUNTIME` in a session of its own with fd 3
/// open for its report: one line, `ok PID` once the container's mounts are
/// done, or `error MESSAGE`. In the foreground (`run --name`, `start -a`)
/// the calling devbox supervises with the terminal as the container's stdio.
enum Supervisor {
    static let reportFD: Int32 = 3
    /// Past this the log rotates once (`container.log.1`).
    static let logLimit = 16 << 20

    /// The re-exec'd supervisor's life. Never returns.
    static func main(_ arguments: [String]) -> Never {
        guard arguments.count == 3 else { exit(2) }
        // Nothing of the caller's but the report pipe: a pipe or socket kept here would not see EOF while the container runs.
        for fd in FileSystem.list("/proc/self/fd").compactMap({ Int32($0) }) where fd > reportFD { close(fd) }
        let store = ContainerStore(dataDir: arguments[1], runtimeDir: arguments[2])
        let report = Report(fd: reportFD)
        let record: ContainerRecord
        do { record = try store.record(arguments[0]) } catch {
            report.send("error \(error)")
            exit(1)
        }
        exit(supervise(record, store: store, report: report, detached: true))
    }

    /// Runs the container to its end; returns its exit status.
    /// `busy` is told when the container is already running (else that is
    /// an error reported as such).
    /// `environment`: how to launch, when the caller has it already (a run
    /// just planned); else it is made from the record.
    static func supervise(_ record: ContainerRecord, store: ContainerStore, report: Report?, detached: Bool,
                          environment given: LaunchEnvironment? = nil, busy: ((String) -> Never)? = nil) -> Int32 {
        let live = store.liveDirectory(record.id)
        guard FileSystem.makeDirectories(live, mode: 0o700) else {
            report?.send("error cannot create \(live): \(String(cString: strerror(errno)))")
            return 125
        }
        let alive: ContainerLock
        do {
            // A supervisor that just saw its container exit may still be
            // finishing (status written, log copier ending): give it a moment.
            var lock = try ContainerLock(store.aliveLockPath(record.id), wait: false)
            for _ in 0..<250 where lock == nil && !store.status(record.id).isRunning {
                usleep(20_000)
                lock = try ContainerLock(store.aliveLockPath(record.id), wait: false)
            }
            guard let lock else {
                busy?("container \(record.name) is already running")
                report?.send("error container \(record.name) is already running")
                return 125
            }
            alive = lock
        } catch {
            report?.send("error \(error)")
            return 125
        }
        for dir in record.launch.directories where !FileSystem.makeDirectories(dir, mode: 0o700) {
            report?.send("error cannot create \(dir): \(String(cString: strerror(errno)))")
            return 125
        }
        if let work = record.launch.workDir {
            // The last start's overlay work directory; overlayfs wants it empty.
            FileSystem.removeTree(work)
            _ = FileSystem.makeDirectories(work, mode: 0o700)
        }
        // The container's named volumes are in use while it runs.
        let volumes = VolumeStore(dataDir: store.dataDir)
        let leases = record.volumes.compactMap { try? volumes.lease($0) }
        defer { leases.forEach { close($0) } }
        let previous = store.status(record.id)
        let idle = record.launch.idleExit.map { IdleWatch(usersLock: store.usersLockPath(record.id), seconds: $0, store: store, id: record.id) }
        let copier = detached ? startLogCopier(store.logPath(record.id), idle: idle) : nil
        var relay: pid_t?
        if detached, record.openStdin == true, let started = StdinRelay.start(live: live) {
            dup2(started.stdin, 0)
            close(started.stdin)
            relay = started.pid
        }

        guard let ready = closeOnExecPipe() else {
            report?.send("error cannot create a pipe: \(String(cString: strerror(errno)))")
            return 125
        }
        let start = StartWatch(record: record, store: store, report: report, readyRead: ready[0], readyWrite: ready[1],
                               restartCount: previous.startedAt == nil ? 0 : previous.restartCount + 1)
        var environment = given ?? launchEnvironment(record, store: store, detached: detached)
        environment.readyFD = ready[1]
        environment.onStarted = { pid in start.started(pid1: pid) }
        let status: Int32
        var failure: String?
        do {
            status = try Launcher.run(record.spec, environment: environment)
        } catch {
            status = 125
            failure = error.description
        }
        start.closeFDs()
        let finished = Timestamp.now()
        // Not `status`: it would wait for this very supervisor to record the exit.
        var final = store.recordedStatus(record.id)
        final.state = .exited
        final.exitCode = status
        final.finishedAt = finished
        if !start.succeeded {
            final.error = failure ?? "the container's setup failed (exit \(status))"
            final.startedAt = final.startedAt ?? finished
        }
        try? store.setStatus(final, of: record.id)
        FileSystem.removeTree(ExecTemplate.path(in: live))
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "die", at: finished, exitCode: status))
        if let relay { StdinRelay.stop(relay, live: live) }

        if let copier {
            // The container's end of the log pipe is ours alone now.
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            dup2(null, 1)
            dup2(null, 2)
            close(null)
            var copierStatus: Int32 = 0
            while waitpid(copier, &copierStatus, 0) < 0 && errno == EINTR {}
        }
        if !start.succeeded {
            let reason = failure ?? lastLine(of: store.logPath(record.id)) ?? "the container's setup failed (exit \(status))"
            report?.send("error " + reason)
        }
        alive.release()
        if record.autoRemove {
            leases.forEach { close($0) }
            ContainerRemoval.remove(record, store: store, anonymousVolumes: true)
        }
        return status
    }

    static func launchEnvironment(_ record: ContainerRecord, store: ContainerStore, detached: Bool) -> LaunchEnvironment {
        var helpers: (uid: String, gid: String)?
        if let uid = record.launch.uidHelper, let gid = record.launch.gidHelper { helpers = (uid, gid) }
        let env = ProcessEnvironment.current()
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessEnvironment.passwdEntry(uid: getuid())?.home ?? "/"
        var environment = LaunchEnvironment(mapHelpers: helpers, hostsFile: record.launch.hostsFile, debug: false,
                                            forwardStdin: !detached || record.openStdin == true, runtimeDir: store.runtimeDir)
        environment.seccompCache = SeccompCache.standard(environment: env, home: home)
        if detached && record.spec.process.terminal {
            environment.windowSizeFile = WindowSize.file(live: store.liveDirectory(record.id))
        }
        if record.spec.usesFuseOverlay {
            environment.storeUserNamespaceFD = StoreAccess.fuseNamespace(for: record.spec, host: HostFacts.current(dataRoot: nil))
        }
        return environment
    }

    /// A child that copies the container's output (our stdout and stderr
    /// become a pipe's write end) into the log, rotating it past the limit.
    static func startLogCopier(_ path: String, idle: IdleWatch?) -> pid_t? {
        guard let fds = closeOnExecPipe() else { return nil }
        let pid = fork()
        if pid == 0 {
            close(fds[1])
            close(reportFD)
            copyLog(from: fds[0], to: path, idle: idle)
            _exit(0)
        }
        close(fds[0])
        guard pid > 0 else { close(fds[1]); return nil }
        dup2(fds[1], 1)
        dup2(fds[1], 2)
        close(fds[1])
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        dup2(null, 0)
        close(null)
        return pid
    }

    /// Copies until every writer is gone. With `idle`, also ends the
    /// container once nobody has used it for that long (see IdleWatch).
    static func copyLog(from input: Int32, to path: String, idle: IdleWatch?) {
        var st = stat()
        var size = stat(path, &st) == 0 ? Int(st.st_size) : 0
        var out = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var idleSince = Timestamp.now()
        var stopping: ContainerLock?
        var stopped = false
        while true {
            if let idle, !stopped {
                var poller = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, 500)
                if ready == 0 {
                    if !FileSystem.exists(idle.store.directory(idle.id)) {
                        // Removed under us (rm, a deleted data directory).
                        stopped = true
                        idle.stop()
                    } else if FileSystem.exists(idle.store.keepRunningPath(idle.id)) {
                        // `devbox up` keeps it until `devbox down`.
                        idleSince = Timestamp.now()
                    } else if let lock = idle.unused() {
                        if Timestamp.now().nanoseconds - idleSince.nanoseconds >= Int64(idle.seconds) * 1_000_000_000 {
                            // Held until we exit, after the container: a run
                            // arriving now waits, then starts it afresh.
                            stopping = lock
                            stopped = true
                            idle.stop()
                        }
                    } else {
                        idleSince = Timestamp.now()
                    }
                    continue
                }
                if ready < 0 { continue }
            }
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            if size + n > logLimit {
                close(out)
                rename(path, path + ".1")
                out = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
                size = 0
            }
            var offset = 0
            while offset < n {
                let w = buffer[offset..<n].withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { break }
                offset += w
            }
            size += n
        }
        close(out)
        stopping?.release()
    }

    static func lastLine(of path: String) -> String? {
        guard let text = FileSystem.read(path) else { return nil }
        return ASCII.split(text, on: UInt8(ascii: "\n")).last.map { $0.hasPrefix("devbox: ") ? String($0.dropFirst(8)) : $0 }
    }
}

/// A project environment runs while some `devbox run` uses it: each holds
/// a shared lock on `users` while it joins and runs. When the exclusive
/// lock can be had for `seconds` in a row, the environment is stopped.
struct IdleWatch {
    let usersLock: String
    let seconds: Int
    let store: ContainerStore
    let id: String

    /// The exclusive lock, when nobody uses the container.
    func unused() -> ContainerLock? {
        (try? ContainerLock(usersLock, exclusive: true, wait: false)) ?? nil
    }

    /// Asks the supervisor (the log copier's parent) to stop the container:
    /// it passes SIGTERM to PID 1, which passes it to the waiting process.
    /// No pid is read from the record, which may be gone by now.
    func stop() {
        kill(getppid(), SIGTERM)
    }
}

/// A pipe whose ends close on exec (Glibc's module lacks pipe2).
func closeOnExecPipe() -> [Int32]? {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return nil }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return fds
}

/// The supervisor's one-line report to the devbox that started it.
struct Report: Sendable {
    let fd: Int32

    func send(_ line: String) {
        guard fd >= 0 else { return }
        let text = line.replacingNewlines() + "\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}

extension String {
    func replacingNewlines() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

/// What happens when PID 1 has its maps (Launcher's onStarted, called in
/// the middle of the launch): wait for the mounts, then record "running".
final class StartWatch: @unchecked Sendable {
    let record: ContainerRecord
    let store: ContainerStore
    let report: Report?
    let readyRead: Int32
    var readyWrite: Int32
    let restartCount: Int
    private(set) var succeeded = false

    init(record: ContainerRecord, store: ContainerStore, report: Report?, readyRead: Int32, readyWrite: Int32, restartCount: Int) {
        self.record = record
        self.store = store
        self.report = report
        self.readyRead = readyRead
        self.readyWrite = readyWrite
        self.restartCount = restartCount
    }

    func started(pid1: Int32) {
        // PID 1 has its copy; ours must go, or a failed setup never reads EOF.
        close(readyWrite)
        readyWrite = -1
        // "m" (mounted), then EOF when the command's exec closed its copy.
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(readyRead, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { break }
            bytes.append(byte)
        }
        guard bytes == [UInt8(ascii: "m")], let identity = ProcessIdentity.of(pid1) else { return }
        succeeded = true
        let now = Timestamp.now()
        let status = ContainerStatus(state: .running, pid1: identity, supervisor: getpid(), startedAt: now,
                                     restartCount: restartCount)
        try? store.setStatus(status, of: record.id)
        let live = store.liveDirectory(record.id)
        let state = OCI.ContainerState(id: record.id, status: .running, pid: pid1, bundle: store.directory(record.id),
                                       annotations: record.spec.annotations)
        let env = ProcessEnvironment.current()
        let cache = SeccompCache.standard(environment: env, home: env["HOME"] ?? "/")
        ExecTemplate.write(spec: record.spec, pid1: identity, to: live, seccompCache: cache)
        if let stub = EventLog.identityStub(record) {
            _ = FileSystem.writeAtomically(live + "/" + ExecEvents.stubName, contents: stub, mode: 0o600)
        }
        if let data = try? JSONEncoder().encode(state) {
            _ = FileSystem.writeAtomically(live + "/state.json", contents: String(decoding: data, as: UTF8.self), mode: 0o600)
        }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "start", at: now))
        report?.send("ok \(pid1)")
    }

    func closeFDs() {
        close(readyRead)
        if readyWrite >= 0 { close(readyWrite) }
    }
}
