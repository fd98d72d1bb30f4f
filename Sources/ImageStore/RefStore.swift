import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Image references (`docker.io/library/alpine:latest`) → manifest digests,
/// in one JSON file rewritten atomically under an exclusive lock, so
/// concurrent devbox processes never lose each other's updates.
public struct RefStore: Sendable {
    public let layout: StoreLayout

    public init(layout: StoreLayout) {
        self.layout = layout
    }

    public func all() -> [String: Digest] {
        guard let bytes = FileSystem.readBytes(layout.refs),
              let map = try? JSONDecoder().decode([String: Digest].self, from: Data(bytes))
        else { return [:] }
        return map
    }

    /// Runs `change` on the map under the store lock and saves the result.
    @discardableResult
    public func update<T>(_ change: (inout [String: Digest]) throws(StoreError) -> T) throws(StoreError) -> T {
        let dir = String(layout.refs[..<(layout.refs.lastIndex(of: "/") ?? layout.refs.endIndex)])
        guard FileSystem.makeDirectories(dir, mode: 0o700) else { throw .io(path: dir, reason: String(cString: strerror(errno))) }
        let lock = open(layout.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .io(path: layout.lock, reason: String(cString: strerror(errno))) }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        var map = all()
        let result = try change(&map)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(map),
              FileSystem.writeAtomically(layout.refs, contents: String(decoding: data, as: UTF8.self), mode: 0o600)
        else { throw .io(path: layout.refs, reason: String(cString: strerror(errno))) }
        return result
    }

    /// Holds the store lock while `body` runs (garbage collection).
    public func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try update { (_: inout [String: Digest]) throws(StoreError) in try body() }
    }
}
