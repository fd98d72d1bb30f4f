import CArchive
import CSyscalls
import CXattr
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Unpacks one layer tarball (plain, gzip or zstd) into its own directory in
/// the form kernel overlayfs understands, with libarchive doing tar and
/// decompression. Hostile entries are refused before anything lands in the
/// store: the layer is built in a temporary directory and renamed into place
/// only when every entry was accepted.
public struct LayerUnpacker {
    /// Larger than any real file; a bigger declared size is an attack or corruption.
    static let maxEntrySize: Int64 = 1 << 40

    public let layout: StoreLayout
    /// Keep owners from the archive (root, or inside a user namespace with a
    /// subordinate range); otherwise everything belongs to the calling user,
    /// who is root inside the container.
    public let keepOwners: Bool
    /// Only real root may create device nodes; in a user namespace mknod is refused.
    public let makeDevices: Bool
    public let userNamespace: Int32?

    public init(layout: StoreLayout, userNamespace: Int32? = nil) {
        self.layout = layout
        self.userNamespace = userNamespace
        keepOwners = getuid() == 0 || userNamespace != nil
        makeDevices = getuid() == 0 && userNamespace == nil
    }

    /// Unpacks the blob `digest` (already verified, in the store) unless it is
    /// unpacked already. Returns the layer directory.
    @discardableResult
    public func unpack(_ digest: Digest) throws(StoreError) -> String {
        let target = layout.layer(digest)
        if FileSystem.isDirectory(target) { return target }
        let scratch = try layout.scratchDirectory()
        guard FileSystem.makeDirectories(layout.layers, mode: 0o700) else {
            throw .io(path: layout.layers, reason: String(cString: strerror(errno)))
        }
        let staging = scratch + "/layer-\(digest.short)"
        FileSystem.removeTree(staging)
        guard mkdir(staging, 0o755) == 0 else { throw .io(path: staging, reason: String(cString: strerror(errno))) }
        do {
            if let userNamespace {
                try InNamespace.run(userNamespace) { () throws(StoreError) in
                    try extract(.file(layout.blob(digest)), into: staging, name: digest.short)
                }
            } else {
                try extract(.file(layout.blob(digest)), into: staging, name: digest.short)
            }
        } catch {
            NamespacedRemoval.remove(staging, userNamespace: userNamespace)
            throw error
        }
        return try publish(staging: staging, digest: digest)
    }

    enum RootOpacity { case missing, opaque, transparent }

    /// Whether layer directory `dir` exists, and whether its root is opaque
    /// (an `.wh..wh..opq` at the layer's `/`): one syscall.
    static func rootOpacity(_ dir: String) -> RootOpacity {
        var value: UInt8 = 0
        if lgetxattr(dir, "user.overlay.opaque", &value, 1) == 1 { return value == UInt8(ascii: "y") ? .opaque : .transparent }
        return errno == ENOENT || errno == ENOTDIR ? .missing : .transparent
    }

    /// Moves a fully unpacked staging directory into place. Another process
    /// may have unpacked the same layer meanwhile: then theirs is kept.
    func publish(staging: String, digest: Digest) throws(StoreError) -> String {
        let target = layout.layer(digest)
        if rename(staging, target) != 0 {
            NamespacedRemoval.remove(staging, userNamespace: userNamespace)
            guard FileSystem.isDirectory(target) else { throw .io(path: target, reason: String(cString: strerror(errno))) }
        }
        return target
    }

    enum Source {
        case file(String)
        case descriptor(Int32)
    }

    func extract(_ source: Source, into directory: String, name: String) throws(StoreError) {
        guard let reader = archive_read_new() else { throw .io(path: directory, reason: "out of memory") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_filter_zstd(reader)
        archive_read_support_format_tar(reader)
        let input: LayerInput
        switch source {
        case .file(let path): input = LayerInput.load(path)
        case .descriptor(let fd): input = LayerInput.receive(fd)
        }
        // Kept alive while libarchive reads through it.
        var stream: StreamContext?
        let opened = input.open(reader, context: &stream)
        defer { withExtendedLifetime(stream) {} }
        guard opened == ARCHIVE_OK else {
            throw .corruptLayer(layer: name, reason: errorText(reader))
        }
        guard let writer = archive_write_disk_new() else { throw .io(path: directory, reason: "out of memory") }
        defer { archive_write_free(writer) }
        var flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_XATTR
            | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
        if keepOwners { flags |= ARCHIVE_EXTRACT_OWNER }
        archive_write_disk_set_options(writer, flags)

        // libarchive resolves entries against the working directory; devbox
        // is single-threaded here, and the previous directory comes back.
        let rootFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let previous = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0, fchdir(rootFD) == 0 else { throw .io(path: directory, reason: String(cString: strerror(errno))) }
        defer {
            if previous >= 0 { _ = fchdir(previous); close(previous) }
            close(rootFD)
        }

        let whiteouts = LayerWhiteouts(rootFD: rootFD, layer: name)
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status >= ARCHIVE_WARN, let entry else { throw .corruptLayer(layer: name, reason: errorText(reader)) }
            try extractEntry(entry, reader: reader, writer: writer, whiteouts: whiteouts, layer: name)
        }
        guard archive_write_close(writer) >= ARCHIVE_WARN else {
            throw .io(path: directory, reason: errorText(writer))
        }
    }

    private func extractEntry(_ entry: OpaquePointer, reader: OpaquePointer, writer: OpaquePointer,
                              whiteouts: LayerWhiteouts, layer: String) throws(StoreError) {
        let rootFD = whiteouts.rootFD
        let raw = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let path: String
        switch EntryPath.normalize(raw) {
        case .success(let clean): path = clean
        case .failure(let reason): throw .hostileEntry(layer: layer, entry: raw, reason: reason.rawValue)
        }
        if path.isEmpty { return }  // the layer root itself ("./")
        let size = archive_entry_size(entry)
        guard size >= 0, size <= Self.maxEntrySize else {
            throw .hostileEntry(layer: layer, entry: raw, reason: "declares an absurd size (\(size) bytes)")
        }
        let type = archive_entry_filetype(entry)
        switch try whiteouts.apply(path: path, raw: raw, isDirectory: type == S_IFDIR) {
        case .handled, .skipped: return
        case .extract: break
        }
        if let link = archive_entry_hardlink(entry).map({ String(cString: $0) }) {
            guard case .success(let cleanLink) = EntryPath.normalize(link), !cleanLink.isEmpty else {
                throw .hostileEntry(layer: layer, entry: raw, reason: "is a hard link to '\(link)', outside the layer")
            }
            archive_entry_set_hardlink(entry, cleanLink)
        }
        if (type == S_IFCHR || type == S_IFBLK) && !makeDevices {
            return  // device nodes cannot be created rootless; /dev is the container's own anyway
        }
        archive_entry_set_pathname(entry, path)
        let header = archive_write_header(writer, entry)
        guard header >= ARCHIVE_WARN else {
            throw .hostileEntry(layer: layer, entry: raw, reason: "cannot be extracted safely: \(errorText(writer))")
        }
        if archive_entry_size(entry) > 0 {
            var buffer: UnsafeRawPointer?
            var length = 0
            var offset: la_int64_t = 0
            while true {
                let r = archive_read_data_block(reader, &buffer, &length, &offset)
                if r == ARCHIVE_EOF { break }
                guard r >= ARCHIVE_WARN else { throw .corruptLayer(layer: layer, reason: errorText(reader)) }
                guard archive_write_data_block(writer, buffer, length, offset) >= ARCHIVE_WARN else {
                    throw .io(path: path, reason: errorText(writer))
                }
            }
        }
        guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else { throw .io(path: path, reason: errorText(writer)) }
        // libarchive drops setuid/setgid when it may not set the owner; the
        // owner here is the user, who is root inside, so restore them.
        let mode = UInt32(archive_entry_mode(entry))
        if !keepOwners, mode & 0o6000 != 0, type == S_IFREG {
            _ = dbx_layer_chmod(rootFD, path, mode & 0o7777)
        }
    }

    private func errorText(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }
}

/// Archive entry names, checked and cleaned before anything is written.
enum EntryPath {
    enum Problem: String, Error {
        case absolute = "has an absolute path"
        case parent = "contains '..'"
        case empty = "has an empty name"
    }

    /// "./a//b/" → "a/b"; refuses absolute paths and `..` anywhere.
    static func normalize(_ raw: String) -> Result<String, Problem> {
        if raw.hasPrefix("/") { return .failure(.absolute) }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return .failure(.parent) }
            parts.append(part)
        }
        if parts.isEmpty && !(raw == "." || raw == "./" || raw.isEmpty) { return .failure(.empty) }
        return .success(parts.joined(separator: "/"))
    }

    static func split(_ path: String) -> (dir: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
