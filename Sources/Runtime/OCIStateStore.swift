import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// What `devbox oci` records per container: the state document's fields
/// plus what tells a live container from a reused pid.
public struct OCIRecord: Codable, Equatable, Sendable {
    public var id: String
    public var bundle: String
    public var annotations: [String: String]?
    /// PID 1 of the container (host pid) and its start time (/proc/PID/stat
    /// field 22): a pid that was reused has another start time.
    public var pid: Int32?
    public var pidStartTime: UInt64?
    /// The process that waits for PID 1 (its parent).
    public var supervisor: Int32?
    public var supervisorStartTime: UInt64?
    public var created: Int64
    /// The spec's hooks: poststop runs at `delete`, when the bundle may be gone.
    public var hooks: RuntimeSpec.Hooks?

    public init(id: String, bundle: String, annotations: [String: String]?, created: Int64) {
        self.id = id
        self.bundle = bundle
        self.annotations = annotations
        self.created = created
    }
}

/// One directory per container under the runtime root (mode 0700):
/// `state.json` (written atomically) and `exec.fifo` while the container
/// waits for `start` (runc's layout).
public struct OCIStateStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `--root`, else $XDG_RUNTIME_DIR/devbox/oci, else /tmp/devbox-UID/oci.
    public static func defaultRoot(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/devbox/oci" }
        return "/tmp/devbox-\(getuid())/oci"
    }

    public static func validate(id: String) throws(OCIError) {
        let bytes = Array(id.utf8)
        func ok(_ b: UInt8) -> Bool { ASCII.isDigit(b) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        guard let first = bytes.first, ok(first), bytes.count <= 1024,
              bytes.allSatisfy({ ok($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        else { throw .invalidID(id) }
    }

    public func directory(_ id: String) -> String { root + "/" + id }
    public func fifo(_ id: String) -> String { directory(id) + "/exec.fifo" }

    /// Makes the container's directory; fails when it exists (a duplicate id).
    public func reserve(_ id: String) throws(OCIError) {
        try OCIStateStore.validate(id: id)
        guard FileSystem.makeDirectories(root, mode: 0o700) else {
            throw .failed("cannot create the state directory \(root): \(String(cString: strerror(errno)))")
        }
        if mkdir(directory(id), 0o700) != 0 {
            if errno == EEXIST { throw .duplicateContainer(id) }
            throw .failed("cannot create \(directory(id)): \(String(cString: strerror(errno)))")
        }
    }

    public func save(_ record: OCIRecord) throws(OCIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(record),
              FileSystem.writeAtomically(directory(record.id) + "/state.json", contents: String(decoding: data, as: UTF8.self), mode: 0o600)
        else { throw .failed("cannot write the state of '\(record.id)' in \(directory(record.id))") }
    }

    public func load(_ id: String) throws(OCIError) -> OCIRecord {
        try OCIStateStore.validate(id: id)
        guard let text = FileSystem.read(directory(id) + "/state.json") else { throw .unknownContainer(id) }
        guard let record = try? JSONDecoder().decode(OCIRecord.self, from: Data(text.utf8)) else {
            throw .failed("the state of '\(id)' (\(directory(id))/state.json) is unreadable; remove that directory")
        }
        return record
    }

    public func ids() -> [String] {
        FileSystem.list(root).filter { FileSystem.exists(directory($0) + "/state.json") }.sorted()
    }

    public func remove(_ id: String) { FileSystem.removeTree(directory(id)) }

    /// runtime.md's status, derived from what the kernel says now.
    public func status(_ record: OCIRecord) -> ContainerState.Status {
        guard let pid = record.pid else {
            // Still being set up, unless its creator is gone.
            return record.supervisor.map { ProcessStat.alive($0, startTime: record.supervisorStartTime) } == false ? .stopped : .creating
        }
        guard ProcessStat.alive(pid, startTime: record.pidStartTime) else { return .stopped }
        return FileSystem.exists(fifo(record.id)) ? .created : .running
    }

    public func state(_ record: OCIRecord) -> ContainerState {
        let status = status(record)
        return ContainerState(id: record.id, status: status, pid: status == .stopped ? nil : record.pid, bundle: record.bundle,
                              annotations: record.annotations ?? [:])
    }
}

/// /proc/PID/stat, read once.
public enum ProcessStat {
    /// Field 22, start time in clock ticks since boot; nil when the process is gone.
    public static func startTime(_ pid: Int32) -> UInt64? { fields(pid).flatMap { $0.count > 19 ? UInt64($0[19]) : nil } }

    /// Running (not a zombie) and, when known, started at `startTime`.
    public static func alive(_ pid: Int32, startTime: UInt64?) -> Bool {
        guard let f = fields(pid), f.count > 19 else { return false }
        if f[0] == "Z" || f[0] == "X" { return false }
        return startTime == nil || UInt64(f[19]) == startTime
    }

    /// The fields after the command name (which may hold spaces): state first.
    static func fields(_ pid: Int32) -> [String]? {
        guard let text = FileSystem.read("/proc/\(pid)/stat", limit: 4096),
              let close = text.utf8.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = text[text.index(after: close)...]
        return ASCII.words(String(rest))
    }
}
