import FoundationEssentials
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// One line of the event log, in podman's JSON shape (`podman events
/// --format json`).
public struct ContainerEvent: Codable, Equatable, Sendable {
    public var ID: String
    public var Name: String
    public var Image: String
    /// create, start, die, stop, kill, restart, exec, destroy.
    public var Status: String
    public var time: Int64
    public var timeNano: Int64
    public var `Type`: String
    public var ContainerExitCode: Int32?
    public var Attributes: [String: String]?

    public init(record: ContainerRecord, status: String, at time: Timestamp = .now(), exitCode: Int32? = nil) {
        ID = record.id
        Name = record.name
        Image = record.image ?? "host"
        Status = status
        self.time = time.seconds
        timeNano = time.nanoseconds
        self.Type = "container"
        ContainerExitCode = exitCode
        Attributes = record.labels.isEmpty ? nil : record.labels
    }
}

/// The per-user event log: JSON lines appended under the runtime
/// directory by whichever devbox process sees the event (a supervisor sees
/// "die"). Appends are single writes of one line with O_APPEND, so
/// concurrent writers do not interleave; past 1 MiB it rotates once.
public struct EventLog: Sendable {
    public let path: String
    static let rotateAt = 1 << 20

    public init(runtimeDir: String) { path = runtimeDir + "/events.log" }

    public func append(_ event: ContainerEvent) {
        guard let fd = open() else { return }
        Self.write(event, to: fd)
        close(fd)
    }

    /// The log opened for appending (rotated first when due), for a writer
    /// that cannot name it later: `exec` joins the container's mount
    /// namespace, where the runtime directory is not. nil: cannot open.
    public func open() -> Int32? {
        if let slash = path.lastIndex(of: "/") { _ = FileSystem.makeDirectories(String(path[..<slash]), mode: 0o700) }
        var st = stat()
        if stat(path, &st) == 0, Int(st.st_size) > Self.rotateAt { rename(path, path + ".1") }
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        return fd >= 0 ? fd : nil
    }

    /// The fields of `record`'s events that do not change (id, name, image,
    /// labels) as a JSON object without its closing brace, kept by the
    /// supervisor in the live directory: `exec`, the hot path, writes its
    /// events from it with no JSON coder and no record to decode.
    public static func identityStub(_ record: ContainerRecord) -> String? {
        let event = ContainerEvent(record: record, status: "")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(IdentityFields(event)), data.last == UInt8(ascii: "}") else { return nil }
        return String(decoding: data.dropLast(), as: UTF8.self)
    }

    private struct IdentityFields: Encodable {
        let ID: String, Name: String, Image: String, kind: String
        let Attributes: [String: String]?
        init(_ e: ContainerEvent) { (ID, Name, Image, kind, Attributes) = (e.ID, e.Name, e.Image, e.Type, e.Attributes) }
        enum CodingKeys: String, CodingKey { case ID, Name, Image, kind = "Type", Attributes }
    }

    /// An event line from an identity stub: `exec` and `exec_died`.
    public static func write(stub: String, status: String, exitCode: Int32? = nil, to fd: Int32) {
        let now = Timestamp.now()
        var line = stub + ",\"Status\":\"" + status + "\",\"time\":" + String(now.seconds) + ",\"timeNano\":" + String(now.nanoseconds)
        if let exitCode { line += ",\"ContainerExitCode\":" + String(exitCode) }
        line += "}\n"
        _ = line.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    /// One line, one write(2): O_APPEND keeps concurrent writers' lines whole.
    public static func write(_ event: ContainerEvent, to fd: Int32) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(event) else { return }
        let line = Array(data) + [UInt8(ascii: "\n")]
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// The events from `offset` on (bytes into the current file) and the
    /// offset after them. A rotation since (the file shrank) starts over.
    public func read(from offset: Int) -> (events: [ContainerEvent], next: Int) {
        guard let bytes = FileSystem.readBytes(path) else { return ([], 0) }
        let start = offset <= bytes.count ? offset : 0
        var events: [ContainerEvent] = []
        var lineStart = start
        var consumed = start
        let decoder = JSONDecoder()
        for i in start..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            if let event = try? decoder.decode(ContainerEvent.self, from: Data(bytes[lineStart..<i])) { events.append(event) }
            lineStart = i + 1
            consumed = i + 1
        }
        return (events, consumed)
    }

    /// The events of the rotated file (older than the current file's).
    public func rotated() -> [ContainerEvent] {
        EventLog(path: path + ".1").read(from: 0).events
    }

    init(path: String) { self.path = path }
}
