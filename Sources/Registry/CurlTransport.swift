import Platform
#if canImport(Glibc)
import Glibc
#endif

public struct HTTPRequest: Sendable {
    public var url: String
    public var method = "GET"
    public var headers: [String] = []
    /// Request body from a file (blob uploads) or from memory.
    public var uploadFile: String?
    public var body: [UInt8]?
    /// A body kept in memory larger than this stops the transfer
    /// (`HTTPResponse.exceededLimit`): a manifest cannot fill the memory.
    public var maxBodySize: Int64 = 64 << 20

    public init(url: String, method: String = "GET", headers: [String] = []) {
        self.url = url
        self.method = method
        self.headers = headers
    }
}

public final class HTTPResponse {
    public var status = 0
    public var headers: [(name: String, value: String)] = []
    public var body: [UInt8] = []
    /// A transport failure (DNS, TLS, connection), nil when a response came.
    public var error: String?
    /// The body grew past the request's `maxBodySize` and was cut off.
    public var exceededLimit = false

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name == lower }?.value
    }
}

/// HTTP over the curl program, several transfers at once, on this thread:
/// each transfer is a curl process whose body, headers and errors come back
/// through pipes that one poll loop drains. curl reads its options from a
/// pipe (`--config`), so credentials never appear in a command line.
public struct CurlTransport: Sendable {
    public var insecure = false
    public var maxParallel = 4
    /// CA certificates for this registry (PEM, from certs.d); nil: the
    /// system's store. curl reads them from a pipe: no file to clean up.
    public var caCertificates: [UInt8]?
    public var clientCertificate: String?
    public var clientKey: String?
    /// curl's environment, as `NAME=value` (see ProxyEnvironment).
    public var environment: [String]

    public init(insecure: Bool = false, environment: [String: String] = ProcessEnvironment.current()) {
        self.insecure = insecure
        self.environment = ProxyEnvironment.forCurl(environment).map { $0.key + "=" + $0.value }
    }

    public static func locate() -> String? {
        let path = ProcessEnvironment.current()["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/curl" }.first(where: FileSystem.isExecutable)
            ?? (FileSystem.isExecutable("/usr/bin/curl") ? "/usr/bin/curl" : nil)
    }

    /// Performs the requests; `sinks[i]`, when given, receives request i's
    /// body instead of memory (return false to abort it).
    public func perform(_ requests: [HTTPRequest], sinks: [((UnsafeRawBufferPointer) -> Bool)?] = [])
        throws(RegistryError) -> [HTTPResponse] {
        guard let curl = Self.locate() else { throw .curlMissing }
        let responses = requests.map { _ in HTTPResponse() }
        var pending = Array(requests.indices)
        var running: [CurlProcess] = []
        while !pending.isEmpty || !running.isEmpty {
            while running.count < maxParallel, let next = pending.first {
                pending.removeFirst()
                let sink = next < sinks.count ? sinks[next] : nil
                do {
                    running.append(try CurlProcess(curl: curl, request: requests[next], transport: self,
                                                   response: responses[next], sink: sink))
                } catch {
                    responses[next].error = "\(error)"
                }
            }
            CurlProcess.pump(&running)
        }
        return responses
    }
}

/// One curl process and its three pipes.
final class CurlProcess {
    let pid: pid_t
    var bodyFD: Int32
    var headerFD: Int32
    var errorFD: Int32
    let response: HTTPResponse
    let sink: ((UnsafeRawBufferPointer) -> Bool)?
    let maxBodySize: Int64
    var headerText: [UInt8] = []
    var errorText: [UInt8] = []
    var aborted = false
    var bodyFile: String?

    init(curl: String, request: HTTPRequest, transport: CurlTransport, response: HTTPResponse,
         sink: ((UnsafeRawBufferPointer) -> Bool)?) throws(RegistryError) {
        self.response = response
        self.sink = sink
        maxBodySize = request.maxBodySize
        var config = "silent\nshow-error\nlocation\nconnect-timeout = 30\nspeed-limit = 1\nspeed-time = 60\n"
        config += "url = \(Self.quote(request.url))\nrequest = \(Self.quote(request.method))\n"
        if request.method == "HEAD" { config += "head\n" }
        if transport.insecure { config += "insecure\n" }
        if transport.caCertificates != nil { config += "cacert = /dev/fd/5\n" }
        if let cert = transport.clientCertificate, let key = transport.clientKey {
            config += "cert = \(Self.quote(cert))\nkey = \(Self.quote(key))\n"
        }
        for header in request.headers + ["Expect:"] { config += "header = \(Self.quote(header))\n" }
        if let file = request.uploadFile {
            config += "upload-file = \(Self.quote(file))\n"
        } else if let body = request.body {
            let path = "/tmp/devbox-body-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard FileSystem.writeBytes(path, body, mode: 0o600) else {
                throw .transport("cannot write a request body to /tmp")
            }
            bodyFile = path
            config += "data-binary = \(Self.quote("@" + path))\n"
        }
        var configPipe: [Int32] = [-1, -1], headerPipe: [Int32] = [-1, -1]
        var bodyPipe: [Int32] = [-1, -1], errorPipe: [Int32] = [-1, -1], caPipe: [Int32] = [-1, -1]
        guard Self.cloexecPipe(&configPipe), Self.cloexecPipe(&headerPipe),
              Self.cloexecPipe(&bodyPipe), Self.cloexecPipe(&errorPipe),
              transport.caCertificates == nil || Self.cloexecPipe(&caPipe)
        else {
            for fd in configPipe + headerPipe + bodyPipe + errorPipe + caPipe where fd >= 0 { close(fd) }
            if let bodyFile { unlink(bodyFile) }
            throw .transport("cannot create pipes: \(String(cString: strerror(errno)))")
        }
        if let pem = transport.caCertificates {
            // Written whole before curl starts (it may never read it, for a
            // plain-HTTP URL, and a late write could meet a closed pipe).
            guard pem.count <= 65536 || fcntl(caPipe[1], 1031 /* F_SETPIPE_SZ */, Int32(pem.count)) >= 0 else {
                for fd in configPipe + headerPipe + bodyPipe + errorPipe + caPipe { close(fd) }
                if let bodyFile { unlink(bodyFile) }
                throw .transport("the registry's CA certificates in certs.d are too large (\(pem.count) bytes)")
            }
            Self.writeAll(caPipe[1], pem)
            close(caPipe[1])
            caPipe[1] = -1
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, bodyPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        posix_spawn_file_actions_adddup2(&actions, configPipe[0], 3)
        posix_spawn_file_actions_adddup2(&actions, headerPipe[1], 4)
        if caPipe[0] >= 0 { posix_spawn_file_actions_adddup2(&actions, caPipe[0], 5) }
        let argv = [curl, "--config", "/dev/fd/3", "--dump-header", "/dev/fd/4", "--output", "-"]
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = transport.environment.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, curl, &actions, nil, &cArgs, &cEnv)
        for fd in [configPipe[0], headerPipe[1], bodyPipe[1], errorPipe[1], caPipe[0]] where fd >= 0 { close(fd) }
        guard rc == 0 else {
            for fd in [configPipe[1], headerPipe[0], bodyPipe[0], errorPipe[0], caPipe[1]] where fd >= 0 { close(fd) }
            if let bodyFile { unlink(bodyFile) }
            throw .transport("cannot run \(curl): \(String(cString: strerror(rc)))")
        }
        pid = child
        Self.writeAll(configPipe[1], Array(config.utf8))
        close(configPipe[1])
        bodyFD = bodyPipe[0]
        headerFD = headerPipe[0]
        errorFD = errorPipe[0]
    }

    /// Writes everything; an error surfaces as curl's, which then finds its
    /// input cut short.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }

    /// A pipe no other child inherits (posix_spawn's dup2 clears the flag
    /// on the descriptors curl is meant to get).
    static func cloexecPipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    /// curl config values: double-quoted with \\ and \" escaped.
    static func quote(_ value: String) -> String {
        var out = "\""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r": continue
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    var open: Bool { bodyFD >= 0 || headerFD >= 0 || errorFD >= 0 }

    /// Drains every process's pipes until at least one finishes.
    static func pump(_ running: inout [CurlProcess]) {
        var fds: [pollfd] = []
        var owners: [(CurlProcess, Int)] = []
        for process in running {
            for (i, fd) in [process.bodyFD, process.headerFD, process.errorFD].enumerated() where fd >= 0 {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners.append((process, i))
            }
        }
        if !fds.isEmpty, poll(&fds, nfds_t(fds.count), 1000) > 0 {
            var buffer = [UInt8](repeating: 0, count: 1 << 17)
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                let (process, which) = owners[index]
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer.withUnsafeBytes { process.receive(which, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    process.closeStream(which)
                }
            }
        }
        running.removeAll { process in
            guard !process.open else { return false }
            process.finish()
            return true
        }
    }

    func receive(_ which: Int, _ bytes: UnsafeRawBufferPointer) {
        switch which {
        case 0:
            if aborted { return }
            if let sink {
                if !sink(bytes) { aborted = true; kill(pid, SIGTERM) }
            } else if Int64(response.body.count + bytes.count) > maxBodySize {
                response.exceededLimit = true
                aborted = true
                kill(pid, SIGTERM)
            } else {
                response.body.append(contentsOf: bytes)
            }
        case 1: headerText.append(contentsOf: bytes)
        default: errorText.append(contentsOf: bytes)
        }
    }

    func closeStream(_ which: Int) {
        switch which {
        case 0: close(bodyFD); bodyFD = -1
        case 1: close(headerFD); headerFD = -1
        default: close(errorFD); errorFD = -1
        }
    }

    func finish() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let bodyFile { unlink(bodyFile) }
        // With redirects followed, the dump holds one block per response: the last counts.
        for line in String(decoding: headerText, as: UTF8.self).split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix("HTTP/") {
                response.headers = []
                response.status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                response.headers.append((name, String(value)))
            }
        }
        let exited = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        if aborted {
            response.error = "aborted"
        } else if !exited {
            // curl's own line ("curl: (60) SSL certificate problem: ...");
            // what follows it is advice for curl's command line, not ours.
            let lines = String(decoding: errorText, as: UTF8.self).split(separator: "\n").map(String.init)
            let line = lines.first { $0.hasPrefix("curl: (") } ?? lines.first { !$0.isEmpty }
            response.error = line.map { $0.hasPrefix("curl: (") ? String($0.drop { $0 != ")" }.dropFirst(2)) : $0 } ?? "curl failed"
        }
    }
}
