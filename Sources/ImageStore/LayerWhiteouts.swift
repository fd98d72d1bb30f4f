import CSyscalls
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// OCI whiteouts of one layer being unpacked, in the form overlayfs reads:
/// `.wh.NAME` becomes a 0/0 character device, `.wh..wh..opq` the
/// `user.overlay.opaque` xattr on its directory.
///
/// The image spec says whiteouts hide only what lower layers hold: an entry
/// this same layer adds stays, whatever the order of the two in the tar.
/// So a whiteout of a path this layer already created is not applied to it
/// (a directory becomes opaque instead, which hides the lower copy and keeps
/// its own content), and an entry added under or at a path this layer
/// whited out earlier replaces the device with an opaque directory (or,
/// for a file, libarchive replaces the device). Every path is resolved
/// beneath the layer root without following symlinks (layerfs.c).
final class LayerWhiteouts {
    static let prefix = ".wh."
    static let opaqueMarker = ".wh..wh..opq"
    /// AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): not content; docker skips it.
    static let metaPrefix = ".wh..wh."

    let rootFD: Int32
    let layer: String
    /// Devices this layer made, by path: an entry may still re-add them.
    private var devices = Set<String>()

    init(rootFD: Int32, layer: String) {
        self.rootFD = rootFD
        self.layer = layer
    }

    enum Outcome {
        /// A whiteout or opaque marker: applied, nothing to extract.
        case handled
        /// AUFS metadata: skipped.
        case skipped
        /// An ordinary entry: extract it.
        case extract
    }

    /// Looks at one cleaned entry path before it is extracted.
    func apply(path: String, raw: String, isDirectory: Bool) throws(StoreError) -> Outcome {
        let parts = path.split(separator: "/").map(String.init)
        guard let base = parts.last else { return .extract }
        if parts.contains(where: { $0.hasPrefix(Self.metaPrefix) && $0 != Self.opaqueMarker }) { return .skipped }
        if parts.dropLast().contains(where: { $0.hasPrefix(Self.prefix) }) {
            throw .hostileEntry(layer: layer, entry: raw, reason: "has a whiteout name inside its path")
        }
        // A parent (or, for a directory, the path itself) whited out earlier
        // in this layer comes back as a directory that hides the lower one.
        var prefix = ""
        for (index, part) in parts.enumerated() {
            prefix = prefix.isEmpty ? part : prefix + "/" + part
            let last = index == parts.count - 1
            if last && !isDirectory { break }
            if devices.contains(prefix) { try reopen(prefix, raw: raw) }
        }
        let dir = parts.dropLast().joined(separator: "/")
        if base == Self.opaqueMarker {
            let rc = dbx_layer_opaque(rootFD, dir)
            guard rc == 0 else { throw hostile(raw, -rc) }
            return .handled
        }
        if base.hasPrefix(Self.prefix) {
            let target = String(base.dropFirst(Self.prefix.count))
            guard !target.isEmpty, target != ".", target != ".." else {
                throw .hostileEntry(layer: layer, entry: raw, reason: "is a whiteout of nothing")
            }
            try whiteout(dir: dir, name: target, raw: raw)
            return .handled
        }
        devices.remove(path)  // a file at a whited-out path replaces the device
        return .extract
    }

    private func whiteout(dir: String, name: String, raw: String) throws(StoreError) {
        let full = dir.isEmpty ? name : dir + "/" + name
        let dirFD = dbx_layer_open_dir(rootFD, dir)
        guard dirFD >= 0 else { throw hostile(raw, -dirFD) }
        var st = stat()
        let found = fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0
        close(dirFD)
        if !found {
            let rc = dbx_layer_whiteout(rootFD, dir, name)
            guard rc == 0 else { throw hostile(raw, -rc) }
            devices.insert(full)
        } else if (st.st_mode & S_IFMT) == S_IFDIR {
            // This layer's own directory: keep it, hide the lower one's content.
            let rc = dbx_layer_opaque(rootFD, full)
            guard rc == 0 else { throw hostile(raw, -rc) }
        }
        // Any other entry of this layer (or an earlier whiteout) already hides the lower path.
    }

    /// Replaces the whiteout device at `path` with an opaque directory.
    private func reopen(_ path: String, raw: String) throws(StoreError) {
        let (dir, name) = EntryPath.split(path)
        let dirFD = dbx_layer_open_dir(rootFD, dir)
        guard dirFD >= 0 else { throw hostile(raw, -dirFD) }
        defer { close(dirFD) }
        guard unlinkat(dirFD, name, 0) == 0, mkdirat(dirFD, name, 0o755) == 0 else { throw hostile(raw, errno) }
        let rc = dbx_layer_opaque(rootFD, path)
        guard rc == 0 else { throw hostile(raw, -rc) }
        devices.remove(path)
    }

    private func hostile(_ raw: String, _ err: Int32) -> StoreError {
        let reason = err == ELOOP || err == EXDEV || err == ENOTDIR
            ? "goes through a symlink or outside the layer"
            : String(cString: strerror(err))
        return .hostileEntry(layer: layer, entry: raw, reason: reason)
    }
}
