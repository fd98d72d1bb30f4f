import CArchive
import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// `devbox save REF -o FILE`: the image as an OCI image layout in a tar
/// (oci-layout, index.json naming the reference, blobs/sha256/*), which
/// `devbox load`, `podman load` and `skopeo copy oci-archive:` read.
public struct ArchiveSaver {
    public let store: ImageStore

    public init(store: ImageStore) {
        self.store = store
    }

    public func save(_ image: StoredImage, to path: String) throws(StoreError) {
        let tmp = path + ".tmp-\(getpid())"
        guard let writer = archive_write_new() else { throw .io(path: path, reason: "out of memory") }
        defer { archive_write_free(writer) }
        archive_write_set_format_pax_restricted(writer)
        guard archive_write_open_filename(writer, tmp) == ARCHIVE_OK else {
            throw .io(path: path, reason: archive_error_string(writer).map { String(cString: $0) } ?? "cannot create")
        }
        do {
            let manifest = Descriptor(mediaType: image.manifest.mediaType ?? MediaType.ociManifest, digest: image.manifestDigest,
                                      size: Int64(try store.blobs.read(image.manifestDigest).count),
                                      annotations: ["org.opencontainers.image.ref.name": image.reference])
            try add(writer, "oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
            try add(writer, "index.json", try store.encode(ImageIndex(manifests: [manifest])))
            try addDirectory(writer, "blobs")
            try addDirectory(writer, "blobs/sha256")
            for digest in [image.manifestDigest, image.manifest.config.digest] + image.manifest.layers.map(\.digest) {
                try addFile(writer, "blobs/sha256/" + digest.hex, from: store.layout.blob(digest))
            }
            guard archive_write_close(writer) == ARCHIVE_OK else { throw StoreError.io(path: tmp, reason: "cannot finish the archive") }
        } catch {
            unlink(tmp)
            throw (error as? StoreError) ?? .io(path: path, reason: "\(error)")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func header(_ name: String, size: Int64, directory: Bool = false) -> OpaquePointer? {
        let entry = archive_entry_new()
        archive_entry_set_pathname(entry, name)
        archive_entry_set_filetype(entry, directory ? 0o040000 : 0o100000)
        archive_entry_set_perm(entry, directory ? 0o755 : 0o644)
        archive_entry_set_size(entry, size)
        archive_entry_set_mtime(entry, 0, 0)
        return entry
    }

    private func addDirectory(_ writer: OpaquePointer, _ name: String) throws(StoreError) {
        let entry = header(name, size: 0, directory: true)
        defer { archive_entry_free(entry) }
        guard archive_write_header(writer, entry) == ARCHIVE_OK else { throw .io(path: name, reason: "cannot write the archive") }
    }

    private func add(_ writer: OpaquePointer, _ name: String, _ bytes: [UInt8]) throws(StoreError) {
        let entry = header(name, size: Int64(bytes.count))
        defer { archive_entry_free(entry) }
        guard archive_write_header(writer, entry) == ARCHIVE_OK,
              bytes.withUnsafeBytes({ archive_write_data(writer, $0.baseAddress, $0.count) }) == bytes.count
        else { throw .io(path: name, reason: "cannot write the archive") }
    }

    private func addFile(_ writer: OpaquePointer, _ name: String, from path: String) throws(StoreError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .notFound(name) }
        let entry = header(name, size: Int64(st.st_size))
        defer { archive_entry_free(entry) }
        guard archive_write_header(writer, entry) == ARCHIVE_OK else { throw .io(path: name, reason: "cannot write the archive") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            guard buffer.withUnsafeBytes({ archive_write_data(writer, $0.baseAddress, n) }) == n else {
                throw .io(path: name, reason: "cannot write the archive")
            }
        }
    }
}
