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

    /// Loads every image. With `name`, the archive must hold one image, which
    /// is tagged `name` (instead of the names the archive gives it).
    /// `path` may be `-`: a tar on standard input.
    public func load(_ path: String, name: ImageReference? = nil) throws(StoreError) -> [StoredImage] {
        do {
            return try loadPath(path, name: name)
        } catch {
            for digest in added.digests { unlink(store.layout.blob(digest)) }
            throw error
        }
    }

    func loadPath(_ path: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        if path != "-" && FileSystem.isDirectory(path) { return try loadDirectory(path, name: name) }
        if path == "-" && isatty(0) == 1 {
            throw .usage("standard input is a terminal; pipe an archive in (devbox load -i - < image.tar) or name a file")
        }
        guard path == "-" || FileSystem.exists(path) else { throw .input(path: path, reason: "no such file or directory") }
        let dir = try store.layout.scratchDirectory() + "/load"
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
        if FileSystem.exists(dir + "/manifest.json") { return try loadDockerSave(dir, name: name) }
        throw .input(path: dir, reason: "is neither an OCI image layout (oci-layout, index.json) nor a docker save archive (manifest.json)")
    }

    // MARK: OCI layout

    func loadLayout(_ dir: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        let index: ImageIndex = try store.decode(readFile(dir + "/index.json"))
        if name != nil && index.manifests.count != 1 {
            throw .usage("the layout holds \(index.manifests.count) images; a NAME can name only one (leave it out to use the layout's names)")
        }
        var loaded: [StoredImage] = []
        for entry in index.manifests {
            let manifestDescriptor = try pickManifest(entry, layout: dir)
            let manifestBytes = try ingest(dir, manifestDescriptor, limit: BlobLimits.manifest, what: "manifest \(manifestDescriptor.digest.short)")
            let manifest: ImageManifest = try store.decode(manifestBytes)
            try ingestImage(dir, manifest)
            let reference: ImageReference
            if let name { reference = name } else { reference = try referenceFor(entry.annotations) }
            try store.tag(reference, manifestDescriptor.digest)
            loaded.append(try store.load(reference: reference.description, manifest: manifestDescriptor.digest))
        }
        return loaded
    }

    /// An index entry may itself be an index (multi-platform): take the host's.
    func pickManifest(_ descriptor: Descriptor, layout: String) throws(StoreError) -> Descriptor {
        guard MediaType.isIndex(descriptor.mediaType) else { return descriptor }
        let nested: ImageIndex = try store.decode(try ingest(layout, descriptor, limit: BlobLimits.manifest,
                                                              what: "index \(descriptor.digest.short)"))
        guard let match = PlatformMatch.best(nested.manifests, for: HostPlatform.current) else {
            throw .invalidDocument("no manifest for \(HostPlatform.current.os)/\(HostPlatform.current.architecture) in \(descriptor.digest)")
        }
        return try pickManifest(match, layout: layout)
    }

    func ingestImage(_ dir: String, _ manifest: ImageManifest) throws(StoreError) {
        for layer in manifest.layers { try BlobLimits.check(layer, limit: BlobLimits.layer, what: "layer \(layer.digest.short)") }
        try BlobLimits.check(manifest.config, limit: BlobLimits.config, what: "the config")
        let missing = ([manifest.config] + manifest.layers).filter { !store.blobs.contains($0.digest) }
        try StoreSpace.check(store.layout, needed: missing.reduce(0) { $0 + $1.size })
        _ = try ingest(dir, manifest.config, limit: BlobLimits.config, what: "the config")
        for layer in manifest.layers {
            _ = try ingest(dir, layer, limit: BlobLimits.layer, what: "layer \(layer.digest.short)", read: false)
            try LayerUnpacker(layout: store.layout, userNamespace: store.userNamespace).unpack(layer.digest)
        }
    }

    /// Copies `blobs/sha256/<hex>` into the store, verifying its digest and
    /// the size its descriptor declares.
    @discardableResult
    func ingest(_ dir: String, _ descriptor: Descriptor, limit: Int64, what: String, read: Bool = true) throws(StoreError) -> [UInt8] {
        try BlobLimits.check(descriptor, limit: limit, what: what)
        let digest = descriptor.digest
        if !store.blobs.contains(digest) {
            let blob = try store.blobs.ingest(file: dir + "/blobs/sha256/" + digest.hex, expected: digest,
                                              declaredSize: descriptor.size, what: what)
            if blob.created { added.digests.append(digest) }
        }
        return read ? try store.blobs.read(digest) : []
    }

    /// The name an index entry gives its image: a full reference, or only a
    /// tag (the OCI convention), which cannot name an image by itself.
    func referenceFor(_ annotations: [String: String]?) throws(StoreError) -> ImageReference {
        let full = annotations?["io.containerd.image.name"] ?? annotations?["org.opencontainers.image.ref.name"]
        if let full, full.contains("/") || full.contains(":"), let ref = try? ImageReference(parsing: full) { return ref }
        throw .usage("the archive does not name its image\(full.map { " (only '\($0)')" } ?? ""); give a name: devbox load -i FILE NAME")
    }

    // MARK: docker save

    struct DockerSaveEntry: Decodable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    func loadDockerSave(_ dir: String, name: ImageReference?) throws(StoreError) -> [StoredImage] {
        let entries: [DockerSaveEntry] = try store.decode(readFile(dir + "/manifest.json"))
        if name != nil && entries.count != 1 {
            throw .usage("the archive holds \(entries.count) images; a NAME can name only one (leave it out to use the archive's names)")
        }
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
            let names = name.map { [$0] } ?? (entry.RepoTags ?? []).compactMap { try? ImageReference(parsing: $0) }
            if names.isEmpty { throw .usage("the archive does not name its image; give a name: devbox load -i FILE NAME") }
            for ref in names {
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

    /// A small document of the archive (index.json, manifest.json, a config).
    func readFile(_ path: String) throws(StoreError) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .input(path: path, reason: String(cString: strerror(errno))) }
        guard Int64(st.st_size) <= BlobLimits.config else {
            throw .absurdSize(what: path, declared: Int64(st.st_size), limit: BlobLimits.config)
        }
        guard let bytes = FileSystem.readBytes(path) else { throw .input(path: path, reason: String(cString: strerror(errno))) }
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
        let opened = path == "-" ? archive_read_open_fd(reader, 0, 1 << 20) : archive_read_open_filename(reader, path, 1 << 20)
        guard opened == ARCHIVE_OK else {
            throw .input(path: path, reason: "not a tar archive: \(archive_error_string(reader).map { String(cString: $0) } ?? "")")
        }
        let previous = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard chdir(dir) == 0 else { throw .io(path: dir, reason: String(cString: strerror(errno))) }
        defer { if previous >= 0 { _ = fchdir(previous); close(previous) } }
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status >= ARCHIVE_WARN, let entry else {
                throw .input(path: path, reason: "truncated or corrupt archive: \(archive_error_string(reader).map { String(cString: $0) } ?? "")")
            }
            let type = archive_entry_filetype(entry)
            guard type == S_IFREG || type == S_IFDIR else { continue }
            let size = archive_entry_size(entry)
            guard size >= 0, size <= BlobLimits.layer else {
                throw .absurdSize(what: "entry '\(archive_entry_pathname(entry).map { String(cString: $0) } ?? "")' of \(path)",
                                  declared: size, limit: BlobLimits.layer)
            }
            try StoreSpace.check(store.layout, needed: size)
            guard archive_write_header(writer, entry) >= ARCHIVE_WARN else { throw .invalidDocument("unsafe entry in \(path): \(archive_error_string(writer).map { String(cString: $0) } ?? "")") }
            var buffer: UnsafeRawPointer?
            var length = 0
            var offset: la_int64_t = 0
            while true {
                let r = archive_read_data_block(reader, &buffer, &length, &offset)
                if r == ARCHIVE_EOF { break }
                guard r >= ARCHIVE_WARN else {
                    throw .input(path: path, reason: "truncated or corrupt archive: \(archive_error_string(reader).map { String(cString: $0) } ?? "")")
                }
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
