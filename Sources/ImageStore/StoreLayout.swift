import OCI

/// Where things live in the data directory (ARCHITECTURE.md, storage layout).
public struct StoreLayout: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var blobs: String { root + "/blobs/sha256" }
    public var layers: String { root + "/layers" }
    public var refs: String { root + "/images/refs.json" }
    public var lock: String { root + "/images/.lock" }
    public var tmp: String { root + "/tmp" }

    public func blob(_ digest: Digest) -> String { blobs + "/" + digest.hex }
    /// Unpacked layers are keyed by the digest of the blob they came from.
    public func layer(_ digest: Digest) -> String { layers + "/" + digest.hex }
}
