import FoundationEssentials
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A named volume's record, `volumes/NAME/volume.json`.
public struct VolumeRecord: Codable, Equatable, Sendable {
    public var name: String
    /// RFC 3339, UTC.
    public var created: String
    public var labels: [String: String]
    /// Made for `-v /path` rather than by name.
    public var anonymous: Bool

    public init(name: String, created: String, labels: [String: String] = [:], anonymous: Bool = false) {
        self.name = name
        self.created = created
        self.labels = labels
        self.anonymous = anonymous
    }
}

public enum VolumeError: Error, Equatable, CustomStringConvertible {
    case badName(String)
    case exists(String)
    case notFound(String)
    case inUse(String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .badName(let name):
            return "invalid volume name '\(name)'; use letters, digits, '_', '.' and '-', starting with a letter or digit"
        case .exists(let name): return "volume '\(name)' already exists"
        case .notFound(let name): return "no such volume '\(name)'; see `devbox volume ls`"
        case .inUse(let name): return "volume '\(name)' is in use by a running container; stop it first"
        case .io(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Volumes under the data directory: `volumes/NAME/_data` is what is
/// mounted, `volume.json` the record, `lock` the lease a run holds.
///
/// In use means leased: a run takes a shared flock on the volume's `lock`
/// for as long as it lives (the kernel drops it when the run dies, even
/// with SIGKILL); removal takes it exclusively. TODO(containers): detached
/// containers hold their lease in their own supervisor, and a stopped
/// container that names the volume should be refused too once container
/// records exist.
public struct VolumeStore: Sendable {
    public let root: String

    public init(dataDir: String) {
        root = dataDir + "/volumes"
    }

    public func directory(_ name: String) -> String { root + "/" + name }
    public func dataPath(_ name: String) -> String { directory(name) + "/_data" }

    /// A new volume; `name` nil makes an anonymous one with a random name.
    public func create(_ name: String?, labels: [String: String] = [:]) throws(VolumeError) -> VolumeRecord {
        let chosen = name ?? Self.randomName()
        guard VolumeName.isValid(chosen) else { throw .badName(chosen) }
        guard FileSystem.makeDirectories(root, mode: 0o700) else { throw .io(path: root, reason: String(cString: strerror(errno))) }
        if mkdir(directory(chosen), 0o700) != 0 {
            if errno == EEXIST { throw .exists(chosen) }
            throw .io(path: directory(chosen), reason: String(cString: strerror(errno)))
        }
        return try finish(chosen, labels: labels, anonymous: name == nil)
    }

    /// The volume, created on first use (`-v NAME:/path`); a run racing
    /// another to create it uses the one that won.
    public func ensure(_ name: String) throws(VolumeError) -> VolumeRecord {
        do {
            return try create(name)
        } catch .exists {
            if !FileSystem.isDirectory(dataPath(name)) { _ = FileSystem.makeDirectories(dataPath(name), mode: 0o755) }
            return (try? inspect(name)) ?? VolumeRecord(name: name, created: "")
        }
    }

    private func finish(_ name: String, labels: [String: String], anonymous: Bool) throws(VolumeError) -> VolumeRecord {
        let record = VolumeRecord(name: name, created: Date.now.ISO8601Format(), labels: labels, anonymous: anonymous)
        guard FileSystem.makeDirectories(dataPath(name), mode: 0o755) else {
            throw .io(path: dataPath(name), reason: String(cString: strerror(errno)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(record),
              FileSystem.writeAtomically(directory(name) + "/volume.json", contents: String(decoding: data, as: UTF8.self) + "\n")
        else { throw .io(path: directory(name) + "/volume.json", reason: String(cString: strerror(errno))) }
        return record
    }

    public func inspect(_ name: String) throws(VolumeError) -> VolumeRecord {
        guard VolumeName.isValid(name) else { throw .badName(name) }
        guard FileSystem.isDirectory(dataPath(name)) else { throw .notFound(name) }
        guard let text = FileSystem.read(directory(name) + "/volume.json", limit: 1 << 20),
              let record = try? JSONDecoder().decode(VolumeRecord.self, from: Data(text.utf8)) else {
            return VolumeRecord(name: name, created: "")  // a record lost to a crash: still a volume
        }
        return record
    }

    /// Every volume, by name.
    public func list() -> [VolumeRecord] {
        FileSystem.list(root).sorted().compactMap { try? inspect($0) }
    }

    /// A run's shared lease: keep the returned fd open while the volume is mounted.
    public func lease(_ name: String) throws(VolumeError) -> Int32 {
        let path = directory(name) + "/lock"
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_SH) != 0 {
            guard errno == EINTR else {
                close(fd)
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
        }
        return fd
    }

    /// Removes the volume unless a run holds its lease. `removeTree`
    /// deletes what the container made (rootless, files of subordinate
    /// ids need the held user namespace).
    public func remove(_ name: String, removeTree: (String) -> Void) throws(VolumeError) {
        _ = try inspect(name)
        let path = directory(name) + "/lock"
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw .inUse(name) }
        // The data first, the record and the lock last: a crash halfway
        // leaves a volume that `rm` can still name.
        removeTree(dataPath(name))
        guard !FileSystem.exists(dataPath(name)) else {
            throw .io(path: dataPath(name), reason: "some files could not be removed")
        }
        removeTree(directory(name))
    }

    /// 64 hex digits from the kernel's random source, like podman's anonymous names.
    static func randomName() -> String {
        let bytes = FileSystem.readPrefix("/dev/urandom", count: 32) ?? (0..<32).map { _ in UInt8.random(in: 0...255) }
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
