import OCI

/// Where things live in the data directory (ARCHITECTURE.md, storage layout).
public struct StoreLayout: Sendable {
    public let root: String
    /// This operation's own temporary directory (`tmp/op-<pid>-<random>`),
    /// set while a `StoreSession` is open. Temporaries live only there, so a
    /// directory whose lock is free belongs to no live process.
    public var scratch: String?

    public init(root: String) {
        self.root = root
    }

    public var blobs: String { root + "/blobs/sha256" }
    public var layers: String { root + "/layers" }
    public var refs: String { root + "/images/refs.json" }
    public var lock: String { root + "/images/.lock" }
    /// The store-wide reader/writer lock (docs/ARCHITECTURE.md, "Concurrency").
    public var storeLock: String { root + "/store.lock" }
    public var tmp: String { root + "/tmp" }
    /// Held while an operation creates its scratch directory or a reclaimer
    /// picks stale ones, so a fresh directory is never taken for stale.
    public var tmpLock: String { tmp + "/.lock" }

    public func blob(_ digest: Digest) -> String { blobs + "/" + digest.hex }
    /// Unpacked layers are keyed by the digest of the blob they came from.
    public func layer(_ digest: Digest) -> String { layers + "/" + digest.hex }

    /// The scratch directory, which every writer needs.
    public func scratchDirectory() throws(StoreError) -> String {
        guard let scratch else { throw .io(path: tmp, reason: "no store session is open (a devbox bug)") }
        return scratch
    }
}
