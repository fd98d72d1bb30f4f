import Containers
import Platform
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// Starting a stored container: in the background under a supervisor of
/// its own, or in the foreground with this process as the supervisor.
enum ContainerStart {
    /// Returns once the container's mounts are done (or it failed: then
    /// exits with the setup's reason).
    static func startDetached(_ record: ContainerRecord, store: ContainerStore) {
        let lock: ContainerLock?
        do { lock = try ContainerLock(store.lockPath(record.id)) } catch { fail(error) }
        defer { lock?.release() }
        if store.status(record.id).isRunning { return }
        guard let fds = closeOnExecPipe() else { fail("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let pid = spawnSupervisor(record.id, store: store, reportFD: fds[1])
        close(fds[1])
        guard pid > 0 else {
            close(fds[0])
            fail("cannot start the container's supervisor: \(String(cString: strerror(-pid)))")
        }
        let line = readLine(fds[0])
        close(fds[0])
        // The supervisor is our child until we exit; reap it if it already left.
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        if line.hasPrefix("ok ") { return }
        let reason = line.hasPrefix("error ") ? String(line.dropFirst(6)) : "the supervisor stopped without a word; see `devbox logs \(record.name)`"
        fail("cannot start container \(record.name): \(reason)")
    }

    /// In the foreground: the terminal is the container's stdio; returns
    /// its exit status.
    static func startAttached(_ record: ContainerRecord, store: ContainerStore) -> Int32 {
        do {
            guard let lock = try ContainerLock(store.lockPath(record.id), wait: true) else { return 125 }
            let running = store.status(record.id).isRunning
            lock.release()
            if running { fail(ContainerError.running(record.name)) }
        } catch {
            fail(error)
        }
        return Supervisor.supervise(record, store: store, report: nil, detached: false)
    }

    /// `/proc/self/exe` as `devbox-supervise ID DATA RUNTIME`, in a session
    /// of its own (a terminal's hangup does not reach it), stdio on
    /// /dev/null, the report pipe as fd 3. Returns its pid or -errno.
    static func spawnSupervisor(_ id: String, store: ContainerStore, reportFD: Int32) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        posix_spawn_file_actions_adddup2(&actions, reportFD, Supervisor.reportFD)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(posixSpawnSetsid | POSIX_SPAWN_SETSIGMASK))
        let argv = ["devbox-supervise", id, store.dataDir, store.runtimeDir]
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, &cArgs, environ)
        return rc == 0 ? pid : -rc
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26+), which Swift's Glibc module does not export.
    static let posixSpawnSetsid: Int32 = 0x80

    static func readLine(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
