import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// An image as stored: its reference, manifest and configuration.
public struct StoredImage: Sendable {
    public var reference: String
    public var manifestDigest: Digest
    public var manifest: ImageManifest
    public var config: ImageConfig
    /// Compressed size of config and layers.
    public var size: Int64
}

/// The store of images under the data directory: blobs, unpacked layers,
/// references. Safe under concurrent devbox processes: blobs and layers are
/// written to temporary names and renamed, references change under a lock,
/// and writers and prune take turns through `StoreSession`.
public struct ImageStore: Sendable {
    public private(set) var layout: StoreLayout
    public var blobs: BlobStore { BlobStore(layout: layout) }
    public var refs: RefStore { RefStore(layout: layout) }
    /// Rootless with a subordinate range: an open user namespace (the held
    /// one devbox runs containers in). Layers are unpacked and removed inside
    /// it, so files keep owners the range can represent.
    public var userNamespace: Int32?
    /// The open session of a command that changes the store.
    public private(set) var session: StoreSession?

    public init(root: String, userNamespace: Int32? = nil) {
        self.userNamespace = userNamespace
        layout = StoreLayout(root: root)
    }

    /// Starts changing the store (see `StoreSession`); ends with the process
    /// or when the store value goes away.
    public mutating func beginSession(_ mode: StoreSession.Mode, waiting: () -> Void = {}) throws(StoreError) {
        let session = try StoreSession(layout: layout, mode: mode, userNamespace: userNamespace, waiting: waiting)
        self.session = session
        layout.scratch = session.scratch
    }

    // MARK: reading

    public func image(_ text: String) throws(StoreError) -> StoredImage {
        let all = refs.all()
        var key: String?
        if let ref = try? ImageReference(parsing: text), all[ref.description] != nil {
            key = ref.description
        } else {
            // An image id (a manifest digest or a prefix of it), as docker accepts.
            let id = text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text
            if id.count >= 6 { key = all.first { $0.value.hex.hasPrefix(id) }?.key }
        }
        guard let key, let digest = all[key] else { throw .notFound(text) }
        return try load(reference: key, manifest: digest)
    }

    public func images() -> [StoredImage] {
        refs.all().sorted { $0.key < $1.key }.compactMap { try? load(reference: $0.key, manifest: $0.value) }
    }

    func load(reference: String, manifest digest: Digest) throws(StoreError) -> StoredImage {
        let manifest: ImageManifest = try decode(blobs.read(digest))
        let config: ImageConfig = try decode(blobs.read(manifest.config.digest))
        let size = manifest.layers.reduce(manifest.config.size) { $0 + $1.size }
        return StoredImage(reference: reference, manifestDigest: digest, manifest: manifest, config: config, size: size)
    }

    /// The image's layer directories, top-most first (overlayfs lowerdir
    /// order), or nil when one is not unpacked yet. One getxattr per layer
    /// tells both: a missing directory fails with ENOENT, and a layer whose
    /// root is opaque (`.wh..wh..opq` at `/`) ends the list, because
    /// overlayfs ignores the opaque mark on a layer's root directory and
    /// would still show the layers below (OCI image spec, "Opaque Whiteout").
    public func layerDirectories(_ image: StoredImage) -> [String]? {
        layerDirectories(layers: image.manifest.layers.map(\.digest))
    }

    /// The same for layer digests in the manifest's order (a RunCard's).
    public func layerDirectories(layers: [Digest]) -> [String]? {
        var dirs: [String] = []
        for digest in layers.reversed() {
            let dir = layout.layer(digest)
            switch LayerUnpacker.rootOpacity(dir) {
            case .missing: return nil
            case .opaque:
                dirs.append(dir)
                return dirs
            case .transparent:
                dirs.append(dir)
            }
        }
        return dirs
    }

    /// Unpacks the layers not unpacked yet (needs a session) and returns the
    /// directories as `layerDirectories` does.
    public func unpackLayers(_ image: StoredImage) throws(StoreError) -> [String] {
        let unpacker = LayerUnpacker(layout: layout, userNamespace: userNamespace)
        for layer in image.manifest.layers {
            try unpacker.unpack(layer.digest)
        }
        guard let dirs = layerDirectories(image) else {
            throw .io(path: layout.layers, reason: "a layer of \(image.reference) vanished after unpacking")
        }
        return dirs
    }

    // MARK: writing

    /// Stores a manifest for `config` and `layers` and points `reference` at it.
    public func commit(reference: ImageReference, config: ImageConfig, layers: [Descriptor]) throws(StoreError) -> StoredImage {
        let configBytes = try encode(config)
        let configDigest = try blobs.put(configBytes)
        let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
                                     layers: layers)
        let manifestDigest = try blobs.put(try encode(manifest))
        try tag(reference, manifestDigest)
        return try load(reference: reference.description, manifest: manifestDigest)
    }

    public func tag(_ reference: ImageReference, _ manifest: Digest) throws(StoreError) {
        try refs.update { (map: inout [String: Digest]) throws(StoreError) in map[reference.description] = manifest }
    }

    /// Removes a reference; its content stays until `prune`.
    public func remove(_ text: String) throws(StoreError) -> String {
        let image = try image(text)
        try refs.update { (map: inout [String: Digest]) throws(StoreError) in map[image.reference] = nil }
        return image.reference
    }

    // MARK: JSON

    func encode<T: Encodable>(_ value: T) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) } catch { throw .invalidDocument("\(error)") }
    }

    func decode<T: Decodable>(_ bytes: [UInt8]) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw .invalidDocument("\(T.self): \(error)")
        }
    }
}

public enum DiskUsage {
    /// Allocated bytes of a file or tree (without following symlinks).
    public static func bytes(_ path: String) -> Int64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        var total = Int64(st.st_blocks) * 512
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in FileSystem.list(path) { total += bytes(path + "/" + name) }
        }
        return total
    }
}
