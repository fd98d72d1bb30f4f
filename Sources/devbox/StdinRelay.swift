import ImageStore
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A detached container created with `-i` keeps its stdin open, as
/// podman's does: a pipe whose write end a small child of the supervisor
/// holds for the container's life, fed by `devbox attach` clients over a
/// unix socket in the container's live directory (0700, the user's own).
/// A client's EOF ends that client only; the container's stdin stays open
/// for the next attach, and closes when the container ends.
enum StdinRelay {
    static let socketName = "attach.sock"
    static func socketPath(_ live: String) -> String { live + "/" + socketName }

    /// Runs `body` with a path to the socket short enough for sun_path (107
    /// bytes; a live directory under a long XDG_RUNTIME_DIR with a 64-hex
    /// id exceeds it): the directory reached through a descriptor of it.
    static func withShortPath<T>(_ live: String, _ body: (String) -> T?) -> T? {
        let directory = open(live, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        return body("/proc/self/fd/\(directory)/\(socketName)")
    }

    /// Forks the relay. Returns its pid and the pipe's read end (the
    /// container's stdin), or nil when the socket cannot be made.
    static func start(live: String) -> (pid: pid_t, stdin: Int32)? {
        let path = socketPath(live)
        unlink(path)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { return nil }
        guard withShortPath(live, { bindUnix(listener, $0) ? true : nil }) == true, listen(listener, 8) == 0,
              let fds = closeOnExecPipe() else {
            close(listener)
            unlink(path)
            return nil
        }
        let parent = getpid()
        let pid = fork()
        if pid == 0 {
            ParentDeath.follow(parent)
            // Nothing else of the supervisor's: its stdout is the log pipe,
            // which must see EOF when the container ends.
            let null = open("/dev/null", O_RDWR)
            for fd: Int32 in 0...2 { dup2(null, fd) }
            for fd in FileSystem.list("/proc/self/fd").compactMap({ Int32($0) }) where fd > 2 && fd != listener && fd != fds[1] {
                close(fd)
            }
            serve(listener, into: fds[1])
            _exit(0)
        }
        close(listener)
        close(fds[1])
        guard pid > 0 else {
            close(fds[0])
            unlink(path)
            return nil
        }
        return (pid, fds[0])
    }

    /// Stops the relay once the container has ended.
    static func stop(_ pid: pid_t, live: String) {
        kill(pid, SIGKILL)
        while waitpid(pid, nil, 0) < 0 && errno == EINTR {}
        unlink(socketPath(live))
    }

    /// Clients' bytes into the pipe, in arrival order per client.
    static func serve(_ listener: Int32, into sink: Int32) {
        signal(SIGPIPE, SIG_IGN)
        var clients: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
                + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), -1) >= 0 || errno == EINTR else { return }
            if polled[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 { clients.append(client) }
            }
            var ended: Set<Int32> = []
            for entry in polled.dropFirst() where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { ended.insert(entry.fd); continue }
                // The container closed its stdin: what comes is dropped.
                _ = writeAll(sink, buffer, count: n)
            }
            for fd in ended { close(fd) }
            clients.removeAll { ended.contains($0) }
        }
    }

    /// Connects to a running container's relay; nil when it has none.
    static func connect(live: String) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        let connected: Bool? = withShortPath(live) { path in
            var address = sockaddr_un()
            guard fill(&address, path) else { return nil }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            } == 0
        }
        guard connected == true else { close(fd); return nil }
        return fd
    }

    static func bindUnix(_ fd: Int32, _ path: String) -> Bool {
        var address = sockaddr_un()
        guard fill(&address, path) else { return false }
        let umask = Glibc.umask(0o077)
        defer { Glibc.umask(umask) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    /// sun_path holds 107 bytes and a NUL; a longer path cannot be used.
    static func fill(_ address: inout sockaddr_un, _ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        return true
    }

    @discardableResult
    /// `socket`: send with MSG_NOSIGNAL (a peer gone is false, not SIGPIPE).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int, socket: Bool = false) -> Bool {
        var offset = 0
        while offset < count {
            let n = bytes[offset..<count].withUnsafeBytes {
                socket ? send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) : write(fd, $0.baseAddress, $0.count)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
