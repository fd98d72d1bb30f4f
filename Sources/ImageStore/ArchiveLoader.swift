import CArchive
import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// `devbox load -i FILE|DIR`: OCI image layouts (a directory or a tar of
/// one) and `docker save` archives, with every image they hold.
public struct ArchiveLoader {
    public let store: ImageStore
    /// Blobs this load added, removed again if it fails: a refused archive
    /// leaves the store as it was.
    private let added = AddedBlobs()

    public init(store: ImageStore) {
        self.store = store
    }

    /// Loads every image; `name` names images the archive leaves unnamed.
    public func load(_ path: String, name: ImageReference? = nil) throws(StoreError) -> [StoredImage] {
        do {
            return try loadPath(path, name: name)
        } catch {
            for digest in added.digests { unlink(store.layout.blob(digest)) }
            throw error
        }
    }

    func loadPath(_ path: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        if FileSystem.isDirectory(path) { return try loadDirectory(path, name: name) }
        guard FileSystem.exists(path) else { throw .io(path: path, reason: "no such file or directory") }
        let dir = store.layout.tmp + "/load-\(getpid())"
        FileSystem.removeTree(dir)
        guard FileSystem.makeDirectories(dir, mode: 0o700) else { throw .io(path: dir, reason: String(cString: strerror(errno))) }
        defer { FileSystem.removeTree(dir) }
        try extractPlain(path, into: dir)
        return try loadDirectory(dir, name: name)
    }

    func loadDirectory(_ dir: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        if FileSystem.exists(dir + "/oci-layout"), FileSystem.exists(dir + "/index.json") {
            return try loadLayout(dir, name: name)
        }
        if FileSystem.exists(dir + "/manifest.json") { return try loadDockerSave(dir) }
        throw .invalidDocument("\(dir) is neither an OCI image layout (oci-layout, index.json) nor a docker save archive (manifest.json)")
    }

    // MARK: OCI layout

    func loadLayout(_ dir: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        let index: ImageIndex = try store.decode(readFile(dir + "/index.json"))
        var loaded: [StoredImage] = []
        for entry in index.manifests {
            let manifestDescriptor = try pickManifest(entry, layout: dir)
            let manifestBytes = try ingest(dir, manifestDescriptor.digest)
            let manifest: ImageManifest = try store.decode(manifestBytes)
            try ingestImage(dir, manifest)
            let reference = try referenceFor(entry.annotations, fallback: name)
            try store.tag(reference, manifestDescriptor.digest)
            loaded.append(try store.load(reference: reference.description, manifest: manifestDescriptor.digest))
        }
        return loaded
    }

    /// An index entry may itself be an index (multi-platform): take the host's.
    func pickManifest(_ descriptor: Descriptor, layout: String) throws(StoreError) -> Descriptor {
        guard MediaType.isIndex(descriptor.mediaType) else { return descriptor }
        let nested: ImageIndex = try store.decode(try ingest(layout, descriptor.digest))
        guard let match = PlatformMatch.best(nested.manifests, for: HostPlatform.current) else {
            throw .invalidDocument("no manifest for \(HostPlatform.current.os)/\(HostPlatform.current.architecture) in \(descriptor.digest)")
        }
        return try pickManifest(match, layout: layout)
    }

    func ingestImage(_ dir: String, _ manifest: ImageManifest) throws(StoreError) {
        _ = try ingest(dir, manifest.config.digest)
        for layer in manifest.layers {
            _ = try ingest(dir, layer.digest)
            try LayerUnpacker(layout: store.layout, userNamespace: store.userNamespace).unpack(layer.digest)
        }
    }

    /// Copies `blobs/sha256/<hex>` into the store, verifying its digest.
    func ingest(_ dir: String, _ digest: Digest) throws(StoreError) -> [UInt8] {
        if !store.blobs.contains(digest) {
            _ = try store.blobs.ingest(file: dir + "/blobs/sha256/" + digest.hex, expected: digest)
            added.digests.append(digest)
        }
        return try store.blobs.read(digest)
    }

    func referenceFor(_ annotations: [String: String]?, fallback: ImageReference?) throws(StoreError) -> ImageReference {
        let full = annotations?["io.containerd.image.name"] ?? annotations?["org.opencontainers.image.ref.name"]
        if let full, full.contains("/") || full.contains(":"), let ref = try? ImageReference(parsing: full) { return ref }
        if let tag = full, var ref = fallback {
            ref.tag = tag
            return ref
        }
        if let fallback { return fallback }
        throw .invalidDocument("the archive does not name its image; give a name: devbox load -i FILE NAME")
    }

    // MARK: docker save

    struct DockerSaveEntry: Decodable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    func loadDockerSave(_ dir: String) throws(StoreError) -> [StoredImage] {
        let entries: [DockerSaveEntry] = try store.decode(readFile(dir + "/manifest.json"))
        var loaded: [StoredImage] = []
        for entry in entries {
            let configPath = try inside(dir, entry.Config)
            let configBytes = try readFile(configPath)
            let _: ImageConfig = try store.decode(configBytes)  // refuse what is not an image config
            let config = try store.blobs.write(expected: nil) { sink in try configBytes.withUnsafeBytes { try sink($0) } }
            let configDigest = config.digest
            if config.created { added.digests.append(configDigest) }
            var layers: [Descriptor] = []
            for layer in entry.Layers {
                let path = try inside(dir, layer)
                let blob = try store.blobs.ingest(file: path)
                let (digest, size) = (blob.digest, blob.size)
                if blob.created { added.digests.append(digest) }
                try LayerUnpacker(layout: store.layout, userNamespace: store.userNamespace).unpack(digest)
                layers.append(Descriptor(mediaType: RootfsImporter.mediaType(of: store.layout.blob(digest)), digest: digest, size: size))
            }
            let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest,
                                                            size: Int64(configBytes.count)), layers: layers)
            let manifestDigest = try store.blobs.put(try store.encode(manifest))
            for tag in entry.RepoTags ?? [] {
                guard let ref = try? ImageReference(parsing: tag) else { continue }
                try store.tag(ref, manifestDigest)
                loaded.append(try store.load(reference: ref.description, manifest: manifestDigest))
            }
        }
        return loaded
    }

    /// A path named inside the archive, which must stay inside it.
    func inside(_ dir: String, _ relative: String) throws(StoreError) -> String {
        guard case .success(let clean) = EntryPath.normalize(relative), !clean.isEmpty else {
            throw .invalidDocument("manifest.json names '\(relative)', outside the archive")
        }
        return dir + "/" + clean
    }

    func readFile(_ path: String) throws(StoreError) -> [UInt8] {
        guard let bytes = FileSystem.readBytes(path) else { throw .io(path: path, reason: "cannot read") }
        return bytes
    }

    /// Extracts an archive of plain files (the layout itself, not a layer).
    func extractPlain(_ path: String, into dir: String) throws(StoreError) {
        guard let reader = archive_read_new(), let writer = archive_write_disk_new() else { throw .io(path: path, reason: "out of memory") }
        defer { archive_read_free(reader); archive_write_free(writer) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_filter_zstd(reader)
        archive_read_support_format_tar(reader)
        archive_write_disk_set_options(writer, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT
                                          | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS)
        guard archive_read_open_filename(reader, path, 1 << 20) == ARCHIVE_OK else {
            throw .invalidDocument("\(path) is not a tar archive: \(archive_error_string(reader).map { String(cString: $0) } ?? "")")
        }
        let previous = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard chdir(dir) == 0 else { throw .io(path: dir, reason: String(cString: strerror(errno))) }
        defer { if previous >= 0 { _ = fchdir(previous); close(previous) } }
        var entry: OpaquePointer?
        while archive_read_next_header(reader, &entry) == ARCHIVE_OK, let entry {
            let type = archive_entry_filetype(entry)
            guard type == S_IFREG || type == S_IFDIR else { continue }
            guard archive_write_header(writer, entry) >= ARCHIVE_WARN else { throw .invalidDocument("unsafe entry in \(path): \(archive_error_string(writer).map { String(cString: $0) } ?? "")") }
            var buffer: UnsafeRawPointer?
            var length = 0
            var offset: la_int64_t = 0
            while archive_read_data_block(reader, &buffer, &length, &offset) == ARCHIVE_OK {
                guard archive_write_data_block(writer, buffer, length, offset) >= ARCHIVE_WARN else {
                    throw .io(path: dir, reason: archive_error_string(writer).map { String(cString: $0) } ?? "write failed")
                }
            }
            archive_write_finish_entry(writer)
        }
        archive_write_close(writer)
    }
}

final class AddedBlobs {
    var digests: [Digest] = []
}

/// Picks the manifest for a platform from an index, as docker does: exact
/// os/architecture, preferring a matching variant.
public enum PlatformMatch {
    public static func best(_ manifests: [Descriptor], for host: OCI.Platform) -> Descriptor? {
        let candidates = manifests.filter { $0.platform?.os == host.os && $0.platform?.architecture == host.architecture }
        return candidates.first { $0.platform?.variant == host.variant }
            ?? candidates.first { $0.platform?.variant == nil }
            ?? candidates.first
            ?? manifests.first { $0.platform == nil }
    }
}
