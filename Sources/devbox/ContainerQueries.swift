import ArgumentParser
import Containers
import CSyscalls
import FoundationEssentials
import Platform
#if canImport(Glibc)
import Glibc
#endif

struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers (running ones; --all for every one).")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Every container, not only running ones.") var all = false
    @Flag(name: .shortAndLong, help: "Print ids only.") var quiet = false
    @Flag(name: .shortAndLong, help: "Only the container created last.") var latest = false
    @Flag(name: .customLong("no-trunc"), help: "Full ids.") var noTrunc = false
    @Option(name: .shortAndLong, help: ArgumentHelp("label=KEY[=VALUE], name=NAME, id=PREFIX, status=STATE.", valueName: "FILTER"))
    var filter: [String] = []
    @Option(help: ArgumentHelp("table, json, or a Go template such as '{{.Names}} {{.State}}'.", valueName: "FORMAT"))
    var format = "table"

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        let filters = try filter.map(ContainerFilter.init)
        let template = format == "table" || format == "json" ? nil : try GoTemplate(format)
        var rows = store.all().map { ($0, store.status($0.id)) }
        if latest { rows = rows.suffix(1) }
        rows = rows.filter { record, status in
            (all || latest || status.isRunning || filters.contains { $0.key == "status" }) && filters.allSatisfy { $0.matches(record, status) }
        }
        if quiet {
            for (record, _) in rows { print(noTrunc ? record.id : record.shortID) }
            return
        }
        if let template {
            for (record, status) in rows { print(try template.render(PsTemplateRow(record, status: status))) }
            return
        }
        switch format {
        case "json":
            print(try jsonText(rows.map { ContainerSummary($0, status: $1, dataDir: store.dataDir) }))
        default:
            var lines = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES", "PROJECT"]]
            let now = Timestamp.now()
            for (record, status) in rows {
                var command = record.spec.process.args.joined(separator: " ")
                if !noTrunc, command.count > 20 { command = String(command.prefix(17)) + "..." }
                lines.append([noTrunc ? record.id : record.shortID, record.image ?? "host", command,
                              Timestamp.age(from: record.created, to: now) + " ago", status.summary(now: now), record.name,
                              record.project ?? ""])
            }
            print(table(lines))
        }
    }
}

/// What `ps --format '{{...}}'` sees: podman's template fields, where
/// .Names and .Command are strings and .ID is the short id.
struct PsTemplateRow: Encodable {
    var ID: String
    var Id: String
    var Names: String
    var Image: String
    var Command: String
    var CreatedAt: String
    var Status: String
    var State: String
    var Labels: [String: String]
    var Pid: Int32
    var ExitCode: Int32
    var Project: String

    init(_ record: ContainerRecord, status: ContainerStatus) {
        ID = record.shortID
        Id = record.id
        Names = record.name
        Image = record.image ?? "host"
        Command = record.spec.process.args.joined(separator: " ")
        CreatedAt = record.created.rfc3339
        Status = status.summary()
        State = status.state.rawValue
        Labels = record.labels
        Pid = status.isRunning ? status.pid1?.pid ?? 0 : 0
        ExitCode = status.exitCode ?? 0
        Project = record.project ?? ""
    }
}

/// `--filter KEY=VALUE` of ps and events.
struct ContainerFilter {
    var key: String
    var value: String

    init(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["label", "name", "id", "status", "container", "event", "type", "image"].contains(parts[0]) else {
            throw ValidationError("--filter \(text): give label=KEY[=VALUE], name=, id=, status=, container=, event= or image=")
        }
        key = parts[0]
        value = parts[1]
    }

    func matches(_ record: ContainerRecord, _ status: ContainerStatus?) -> Bool {
        switch key {
        case "label":
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard let labelValue = record.labels[parts[0]] else { return false }
            return parts.count == 1 || labelValue == parts[1]
        case "name": return record.name.contains(value)
        case "id": return record.id.hasPrefix(value)
        case "container": return record.name == value || record.id.hasPrefix(value)
        case "status": return status.map { $0.state.rawValue == value } ?? true
        case "image": return record.image == value
        default: return true
        }
    }
}

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show containers' configuration and state as JSON.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("type"), help: "Only `container` is known here.") var type = "container"
    @Option(name: .shortAndLong, help: ArgumentHelp("json (the default) or a Go template such as '{{.State.Pid}}'.", valueName: "FORMAT"))
    var format = "json"
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        guard type == "container" else { throw ValidationError("--type \(type): only containers are inspected here; for images see `devbox image inspect`") }
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        let records = try selection.records(store)
        let documents = records.map { ContainerInspection($0, status: store.status($0.id), dataDir: store.dataDir) }
        guard format == "json" else {
            let template = try GoTemplate(format)
            for document in documents { print(try template.render(document)) }
            return
        }
        print(try jsonText(documents))
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a detached container's output.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep printing new output until the container exits.") var follow = false
    @Option(help: ArgumentHelp("Only the last N lines.", valueName: "N")) var tail: Int?
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        let records = try selection.records(store, requireOne: true)
        guard let record = records.first else { return }
        ContainerLogs.print(record, store: store, tail: tail, follow: follow)
    }
}

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Follow a running container's output until it exits; SIGINT and SIGTERM are passed to it, and stdin too when it was created with -i.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not pass stdin to the container.") var noStdin = false
    @Option(help: ArgumentHelp("Keys that detach from a terminal container and leave it running (\"\" for none).", valueName: "KEYS"))
    var detachKeys = "ctrl-p,ctrl-q"
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        guard let keys = AttachInput.parseKeys(detachKeys) else {
            throw ValidationError("--detach-keys \(detachKeys): give keys such as ctrl-p,ctrl-q (ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_, or single characters)")
        }
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        guard let record = try selection.records(store, requireOne: true).first else { return }
        guard store.status(record.id).isRunning else { throw ContainerError.notRunning(record.name) }
        var input: AttachInput?
        if !noStdin, record.openStdin == true, let socket = StdinRelay.connect(live: store.liveDirectory(record.id)) {
            input = AttachInput(socket: socket, terminal: record.spec.process.terminal == true, detachKeys: keys)
        }
        // A terminal container gets our window size now and at each change.
        var resize: (() -> Void)?
        if record.spec.process.terminal, WindowSize.current() != nil, let supervisor = store.status(record.id).supervisor {
            let live = store.liveDirectory(record.id)
            resize = { WindowSize.send(live: live, supervisor: supervisor) }
            resize?()
        }
        let code = ContainerLogs.print(record, store: store, tail: 0, follow: true, forwardSignals: true, input: input,
                                       onWindowChange: resize)
        input?.restore()
        Glibc.exit(code ?? 0)
    }
}

/// Reads the log the supervisor keeps (the rotated part first).
enum ContainerLogs {
    @discardableResult
    /// With `input`, stdin goes to the container while following; the
    /// detach keys end the attach with 0 and leave the container running.
    static func print(_ record: ContainerRecord, store: ContainerStore, tail: Int?, follow: Bool, forwardSignals: Bool = false,
                      input: AttachInput? = nil, onWindowChange: (() -> Void)? = nil) -> Int32? {
        let path = store.logPath(record.id)
        // Read once: what follows continues from exactly there.
        let current = FileSystem.readBytes(path) ?? []
        var bytes = (FileSystem.readBytes(path + ".1") ?? []) + current
        if let tail {
            var newlines = 0
            var start = bytes.count
            var i = bytes.count - 1
            if i >= 0, bytes[i] == UInt8(ascii: "\n") { i -= 1 }
            while i >= 0 {
                if bytes[i] == UInt8(ascii: "\n") {
                    newlines += 1
                    if newlines == tail { break }
                }
                start = i
                i -= 1
            }
            bytes = tail == 0 ? [] : Array(bytes[start...])
        }
        emit(bytes)
        guard follow else { return nil }
        var signalFD: Int32 = -1
        if forwardSignals {
            let forwarded = [SIGINT, SIGTERM, SIGHUP] + (onWindowChange != nil ? [SIGWINCH] : [])
            var signals = sigset_t()
            sigemptyset(&signals)
            for s in forwarded { sigaddset(&signals, s) }
            sigprocmask(SIG_BLOCK, &signals, nil)
            signalFD = dbx_signal_fd(forwarded, Int32(forwarded.count))
        }
        // Blocked, forwarded signals; without a signalfd they are fetched
        // at each turn instead.
        func forward(_ signal: Int32) {
            if signal == SIGWINCH {
                onWindowChange?()
            } else if let pid1 = store.status(record.id).pid1, pid1.isAlive {
                kill(pid1.pid, signal)
            }
        }
        defer { if signalFD >= 0 { close(signalFD) } }
        let follower = LogFollower(path: path, from: current.count)
        while true {
            let running = store.status(record.id).isRunning
            emit(follower.readNew())
            if !running { return store.status(record.id).exitCode }
            if forwardSignals && signalFD < 0 {
                var pending = sigset_t()
                sigemptyset(&pending)
                for s in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&pending, s) }
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                while case let signal = sigtimedwait(&pending, nil, &zero), signal > 0 { forward(signal) }
            }
            var waiting: [pollfd] = []
            for fd in [follower.wakeFD, signalFD, input?.wantsInput == true ? 0 : -1] where fd >= 0 {
                waiting.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            // inotify says when to look; the timeout covers what it cannot
            // see (PID 1 killed before its supervisor wrote a word).
            let timeout: Int32 = follower.wakeFD >= 0 && (signalFD >= 0 || !forwardSignals) ? 250 : 50
            if poll(&waiting, nfds_t(waiting.count), timeout) <= 0 { continue }
            for entry in waiting where entry.revents != 0 {
                if entry.fd == follower.wakeFD {
                    follower.drainWakeups()
                } else if entry.fd == signalFD {
                    while case let signal = dbx_signal_fd_next(signalFD), signal > 0 { forward(signal) }
                } else if let input, !input.pump(milliseconds: 0) {
                    return 0
                }
            }
        }
    }

    static func emit(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Show container events (create, start, die, stop, kill, restart, destroy).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("container=NAME|ID, event=NAME, label=KEY[=VALUE], image=REF, type=container.", valueName: "FILTER"))
    var filter: [String] = []
    @Option(help: "Output format: table (one line per event) or json (JSON lines).") var format: OutputFormat = .table
    @Flag(inversion: .prefixedNo, help: "Keep printing new events (the default), or stop after the past ones.") var stream = true
    @Option(help: ArgumentHelp("Only events after this time (RFC 3339, seconds since the epoch, or 10m/2h ago).", valueName: "TIME"))
    var since: String?
    @Option(help: ArgumentHelp("Only events before this time; stops streaming then.", valueName: "TIME")) var until: String?

    func run() throws {
        let filters = try filter.map(ContainerFilter.init)
        let sinceTime = try since.map { text in try Timestamp.parse(text).orThrow("--since \(text): give RFC 3339, seconds or a duration like 10m") }
        let untilTime = try until.map { text in try Timestamp.parse(text).orThrow("--until \(text): give RFC 3339, seconds or a duration like 10m") }
        let log = EventLog(runtimeDir: ContainerCreation.store(dataRoot: global.dataRoot).runtimeDir)
        func show(_ event: ContainerEvent) throws {
            if let sinceTime, event.timeNano < sinceTime.nanoseconds { return }
            if let untilTime, event.timeNano > untilTime.nanoseconds { return }
            for f in filters {
                switch f.key {
                case "container": guard event.Name == f.value || event.ID.hasPrefix(f.value) else { return }
                case "event", "status": guard event.Status == f.value || (f.value == "died" && event.Status == "die") else { return }
                case "image": guard event.Image == f.value else { return }
                case "type": guard f.value == "container" else { return }
                case "label":
                    let parts = f.value.split(separator: "=", maxSplits: 1).map(String.init)
                    guard let value = event.Attributes?[parts[0]], parts.count == 1 || value == parts[1] else { return }
                default: break
                }
            }
            switch format {
            case .json: emitLine(try jsonLine(event))
            case .table:
                let attributes = (["image=\(event.Image)", "name=\(event.Name)"] + (event.Attributes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                emitLine("\(Timestamp(nanoseconds: event.timeNano).rfc3339) container \(event.Status) \(event.ID) (\(attributes.joined(separator: ", ")))")
            }
        }
        // Where the file stands now, before the past events are printed.
        var (events, offset) = log.read(from: 0)
        events = log.rotated() + events
        for event in events { try show(event) }
        guard stream else { return }
        while true {
            if let untilTime, Timestamp.now() > untilTime { return }
            usleep(100_000)
            let next = log.read(from: offset)
            offset = next.next
            for event in next.events { try show(event) }
        }
    }
}

/// Straight to fd 1, unbuffered: `events` is read line by line as it streams.
func emitLine(_ line: String) {
    ContainerLogs.emit(Array((line + "\n").utf8))
}

func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

extension EventsCommand {
    /// podman spells the flag `--stream=false`; ArgumentParser's boolean
    /// flags take no value, so it becomes `--no-stream` (and `=true`, `--stream`).
    static func normalized(_ arguments: [String]) -> [String] {
        guard arguments.first == "events" else { return arguments }
        return arguments.map { argument in
            switch argument {
            case "--stream=false", "--stream=0": return "--no-stream"
            case "--stream=true", "--stream=1": return "--stream"
            default: return argument
            }
        }
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw ValidationError(message) }
        return value
    }
}
