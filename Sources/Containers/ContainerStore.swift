import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Where containers are kept, and how one is found by name or id.
///
/// - `<data>/containers/<id>/`: config.json (the record), status.json, the
///   log, the writable layer; survives reboots.
/// - `<data>/container-names/<name>`: a symlink to the id. Creating it is
///   what reserves a name, so two `create --name x` cannot both win.
/// - `<runtime>/containers/<id>/`: the supervisor's lock (held while PID 1
///   lives), the OCI state document, what `exec` reads. Gone after a
///   reboot, which is how containers come back as exited.
public struct ContainerStore: Sendable {
    public let dataDir: String
    public let runtimeDir: String

    public init(dataDir: String, runtimeDir: String) {
        self.dataDir = dataDir
        self.runtimeDir = runtimeDir
    }

    public var recordsRoot: String { dataDir + "/containers" }
    var namesRoot: String { dataDir + "/container-names" }
    public func directory(_ id: String) -> String { recordsRoot + "/" + id }
    public func liveDirectory(_ id: String) -> String { runtimeDir + "/containers/" + id }
    public func configPath(_ id: String) -> String { directory(id) + "/config.json" }
    public func statusPath(_ id: String) -> String { directory(id) + "/status.json" }
    public func logPath(_ id: String) -> String { directory(id) + "/container.log" }
    /// Held exclusively by the supervisor while PID 1 lives.
    public func aliveLockPath(_ id: String) -> String { liveDirectory(id) + "/alive" }
    /// Shared-locked by each run using a project environment (IdleWatch).
    public func usersLockPath(_ id: String) -> String { directory(id) + "/users" }
    /// Serialises changes of one container (start, stop's bookkeeping, rm).
    public func lockPath(_ id: String) -> String { directory(id) + "/lock" }

    /// A new random id: 64 hex digits, as podman's.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, ASCII.isAlphanumeric(first), name.utf8.count <= 128 else { return false }
        return name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func isID(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ASCII.isDigit($0) || ($0 >= 97 && $0 <= 102) }
    }

    /// Stores a new container. The name is reserved first; a record that
    /// cannot be written gives it back.
    public func create(_ record: ContainerRecord) throws(ContainerError) {
        guard Self.isValidName(record.name) else { throw .badName(record.name) }
        for dir in [namesRoot, directory(record.id)] where !FileSystem.makeDirectories(dir, mode: 0o700) {
            throw .io(path: dir, reason: String(cString: strerror(errno)))
        }
        let link = namesRoot + "/" + record.name
        if symlink(record.id, link) != 0 {
            let error = errno
            if error == EEXIST, let owner = FileSystem.readLink(link) {
                // An owner whose directory exists is alive, or was made an
                // instant ago and is writing its record: the name is taken.
                // Only one whose directory is gone (a removal cut short), or
                // that never wrote its record in a minute, gives it up.
                var st = stat()
                if stat(directory(owner), &st) == 0 {
                    let stale = !FileSystem.exists(configPath(owner)) && Int64(st.st_mtim.tv_sec) + 60 < Timestamp.now().seconds
                    if !stale { throw .nameInUse(name: record.name, id: owner) }
                }
                unlink(link)
                if symlink(record.id, link) == 0 { return try finishCreate(record) }
            }
            FileSystem.removeTree(directory(record.id))
            throw .io(path: link, reason: String(cString: strerror(error)))
        }
        try finishCreate(record)
    }

    private func finishCreate(_ record: ContainerRecord) throws(ContainerError) {
        do {
            try write(record, to: configPath(record.id))
            try write(ContainerStatus(), to: statusPath(record.id))
        } catch {
            unlink(namesRoot + "/" + record.name)
            FileSystem.removeTree(directory(record.id))
            throw error
        }
    }

    /// The id a reference names, whether or not its record can be read
    /// (`rm -f` of a container whose config.json is damaged).
    public func idIgnoringRecord(_ reference: String) -> String? {
        if Self.isValidName(reference), let id = FileSystem.readLink(namesRoot + "/" + reference), Self.isID(id),
           FileSystem.isDirectory(directory(id)) {
            return id
        }
        if Self.isID(reference), FileSystem.isDirectory(directory(reference)) { return reference }
        return nil
    }

    /// Forgets a container whose record cannot be read: its directory, live
    /// state and whichever name points at it.
    public func removeBroken(_ id: String, removeTree: (String) -> Void = FileSystem.removeTree) {
        for name in FileSystem.list(namesRoot) where FileSystem.readLink(namesRoot + "/" + name) == id {
            unlink(namesRoot + "/" + name)
        }
        let trash = directory(id) + ".removing"
        removeTree(rename(directory(id), trash) == 0 ? trash : directory(id))
        FileSystem.removeTree(liveDirectory(id))
    }

    /// Rewrites a record (a project environment's spec follows its last run).
    public func update(_ record: ContainerRecord) throws(ContainerError) {
        try write(record, to: configPath(record.id))
    }

    public func record(_ id: String) throws(ContainerError) -> ContainerRecord {
        try read(ContainerRecord.self, from: configPath(id))
    }

    /// Every container, oldest first.
    public func all() -> [ContainerRecord] {
        FileSystem.list(recordsRoot).filter(Self.isID).compactMap { try? record($0) }.sorted { $0.created < $1.created }
    }

    /// By name, full id or unambiguous id prefix.
    public func find(_ reference: String) throws(ContainerError) -> ContainerRecord {
        if Self.isValidName(reference), let id = FileSystem.readLink(namesRoot + "/" + reference), Self.isID(id) {
            if let found = try? record(id) { return found }
            // Its record is there but damaged: say so, not "no such container".
            if FileSystem.exists(configPath(id)) { throw .corrupt(path: configPath(id)) }
        }
        if Self.isID(reference), FileSystem.exists(configPath(reference)) { return try record(reference) }
        let lowered = reference.lowercased()
        guard !lowered.isEmpty, lowered.utf8.allSatisfy({ ASCII.isDigit($0) || ($0 >= 97 && $0 <= 102) }) else {
            throw .noSuchContainer(reference)
        }
        let matches = FileSystem.list(recordsRoot).filter { Self.isID($0) && $0.hasPrefix(lowered) && FileSystem.exists(configPath($0)) }
        guard matches.count <= 1 else { throw .ambiguous(prefix: reference, matches: matches.count) }
        guard let id = matches.first else { throw .noSuchContainer(reference) }
        return try record(id)
    }

    /// The id `reference` names, without reading the record (exec's path):
    /// a name's link, a full id, or an unambiguous prefix.
    public func id(of reference: String) throws(ContainerError) -> String {
        if Self.isValidName(reference), let id = FileSystem.readLink(namesRoot + "/" + reference), Self.isID(id) { return id }
        if Self.isID(reference), FileSystem.exists(configPath(reference)) { return reference }
        return try find(reference).id
    }

    /// The container created last (`--latest`).
    public func latest() throws(ContainerError) -> ContainerRecord {
        guard let last = all().last else { throw .noContainers }
        return last
    }

    /// The status as the supervisor last wrote it, uncorrected: for the
    /// supervisor itself, which holds the alive lock that `status` waits on.
    public func recordedStatus(_ id: String) -> ContainerStatus {
        (try? read(ContainerStatus.self, from: statusPath(id))) ?? ContainerStatus()
    }

    /// The recorded status, corrected by what is true now: a container whose
    /// supervisor is gone (killed, or the machine rebooted) has exited.
    public func status(_ id: String) -> ContainerStatus {
        guard var status = try? read(ContainerStatus.self, from: statusPath(id)) else { return ContainerStatus() }
        if status.state == .running, !ContainerLock.isHeld(aliveLockPath(id)) || !(status.pid1?.isAlive ?? false) {
            // PID 1 is gone and its supervisor, still here, is about to
            // record how it ended: wait for that (briefly) rather than guess.
            for _ in 0..<150 where ContainerLock.isHeld(aliveLockPath(id)) {
                if let again = try? read(ContainerStatus.self, from: statusPath(id)), again.state != .running { return again }
                usleep(20_000)
            }
            if let again = try? read(ContainerStatus.self, from: statusPath(id)), again.state != .running { return again }
            status.state = .exited
            status.finishedAt = status.finishedAt ?? status.startedAt
            if status.exitCode == nil { status.exitCode = 137 }
        }
        return status
    }

    public func setStatus(_ status: ContainerStatus, of id: String) throws(ContainerError) {
        try write(status, to: statusPath(id))
    }

    /// Forgets a container: its name, its directories (layer, log), its
    /// live state. The caller has made sure it does not run.
    /// `removeTree` deletes a directory that may hold files of the
    /// container's other ids (the writable layer, rootless).
    public func remove(_ record: ContainerRecord, removeTree: (String) -> Void = FileSystem.removeTree) {
        let link = namesRoot + "/" + record.name
        if FileSystem.readLink(link) == record.id { unlink(link) }
        // The record goes first (renamed away), so a half-removed container
        // never lists as a whole one.
        let trash = directory(record.id) + ".removing"
        removeTree(rename(directory(record.id), trash) == 0 ? trash : directory(record.id))
        if let owned = record.launch.ownedDirectory { removeTree(owned) }
        FileSystem.removeTree(liveDirectory(record.id))
    }

    func write<T: Encodable>(_ value: T, to path: String) throws(ContainerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(value) } catch { throw .io(path: path, reason: "cannot encode: \(error)") }
        guard FileSystem.writeAtomically(path, contents: String(decoding: data, as: UTF8.self) + "\n", mode: 0o600) else {
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
    }

    func read<T: Decodable>(_ type: T.Type, from path: String) throws(ContainerError) -> T {
        guard let bytes = FileSystem.readBytes(path, limit: 64 << 20) else {
            throw errno == ENOENT ? .noSuchContainer(path) : .io(path: path, reason: String(cString: strerror(errno)))
        }
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch { throw .corrupt(path: path) }
    }
}
