import CXattr
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Copies of unpacked layers for a keep-id mapping, so the image's files
/// keep the owners the image gives them when the user is mapped onto
/// another uid inside (`--userns keep-id[:uid=U,gid=G]`, devcontainer.json's
/// updateRemoteUserUID).
///
/// Layers are unpacked once, in the store's user namespace, whose map puts
/// the user at 0 and the subordinate range at 1...N. A keep-id map puts
/// the user at U and the range around it (0..<U, then U+1...N), so under it
/// the same files show shifted: uid c < U as c-1, root's as U. A copy whose
/// owners are rewritten as the store's namespace sees them — c < U to c+1,
/// U to 0, the rest unchanged — reads, under the keep-id map, exactly as
/// the image says. As podman does for an idmapped layer it cannot mount,
/// the copy is made once per (layer, mapping) and shared by every
/// container with that mapping: `layers-mapped/u<U>-g<G>/<layer>`.
public enum MappedLayers {
    /// The ids the user becomes inside.
    public struct Shift: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32

        public init(uid: UInt32, gid: UInt32) {
            self.uid = uid
            self.gid = gid
        }

        /// Nothing to rewrite: the user is root inside, as when unpacked.
        public var isIdentity: Bool { uid == 0 && gid == 0 }

        var directoryName: String { "u\(uid)-g\(gid)" }

        /// An owner as the store's namespace sees it, for the copy.
        static func owner(_ id: UInt32, inside: UInt32) -> UInt32 {
            if id < inside { return id + 1 }
            return id == inside ? 0 : id
        }
    }

    public static func root(_ layout: StoreLayout) -> String { layout.root + "/layers-mapped" }

    /// The copies of `layers` (layer directories of this store, top-most
    /// first) for `shift`, made where missing. `userNamespace`: the store's
    /// (rootless); nil as root, where the ids are the host's own.
    public static func directories(_ layers: [String], shift: Shift, layout: StoreLayout,
                                   userNamespace: Int32?) throws(StoreError) -> [String] {
        guard !shift.isIdentity else { return layers }
        let base = root(layout) + "/" + shift.directoryName
        var out: [String] = []
        for layer in layers {
            let name = String(layer.split(separator: "/").last ?? "")
            guard !name.isEmpty, layer == layout.layers + "/" + name else {
                throw .io(path: layer, reason: "not a layer of this store (a devbox bug)")
            }
            let target = base + "/" + name
            if !FileSystem.isDirectory(target) {
                try make(target, from: layer, shift: shift, base: base, userNamespace: userNamespace)
            }
            out.append(target)
        }
        return out
    }

    /// Copies into a temporary name and renames: a copy that is there is
    /// whole, and two runs making the same one at once both end with it.
    static func make(_ target: String, from layer: String, shift: Shift, base: String, userNamespace: Int32?) throws(StoreError) {
        guard FileSystem.makeDirectories(base, mode: 0o700) else {
            throw .io(path: base, reason: String(cString: strerror(errno)))
        }
        let temporary = target + ".tmp-\(getpid())"
        let work = { () throws(StoreError) -> Void in
            FileSystem.removeTree(temporary)
            var copier = TreeCopy(shift: shift)
            do throws(StoreError) { try copier.copy(layer, to: temporary) } catch {
                // A half copy never stays in the store (nor is taken for whole).
                FileSystem.removeTree(temporary)
                throw error
            }
            if rename(temporary, target) != 0 {
                let reason = errno
                FileSystem.removeTree(temporary)
                // Another run made it first.
                guard reason == EEXIST || reason == ENOTEMPTY else {
                    throw .io(path: target, reason: String(cString: strerror(reason)))
                }
            }
        }
        if let userNamespace { try InNamespace.run(userNamespace, work) } else { try work() }
    }
}

/// The copy storage driver's root: the image's layers laid one over the
/// other, bottom-most first, into a directory of the container's own, once
/// (a root that exists is the container's, with its changes: never redone).
public enum CopiedRoot {
    /// `layers`: top-most first, as ImageRoot has them.
    public static func materialize(_ layers: [String], into target: String, userNamespace: Int32?) throws(StoreError) {
        guard !FileSystem.isDirectory(target) else { return }
        let parent = String(target[..<(target.lastIndex(of: "/") ?? target.endIndex)])
        guard FileSystem.makeDirectories(parent, mode: 0o700) else { throw .io(path: parent, reason: String(cString: strerror(errno))) }
        let temporary = target + ".tmp-\(getpid())"
        let work = { () throws(StoreError) -> Void in
            FileSystem.removeTree(temporary)
            var copier = TreeCopy(shift: MappedLayers.Shift(uid: 0, gid: 0), merge: true)
            do throws(StoreError) {
                for layer in layers.reversed() { try copier.copy(layer, to: temporary) }
            } catch {
                FileSystem.removeTree(temporary)
                throw error
            }
            guard rename(temporary, target) == 0 else {
                let reason = errno
                FileSystem.removeTree(temporary)
                throw .io(path: target, reason: String(cString: strerror(reason)))
            }
        }
        if let userNamespace { try InNamespace.run(userNamespace, work) } else { try work() }
    }
}

/// One tree copied with every attribute a layer carries (modes, owners
/// rewritten by the shift, xattrs such as overlayfs's opaque mark,
/// whiteout devices, hard links, symlinks, times), never following a link.
struct TreeCopy {
    let shift: MappedLayers.Shift
    /// Laying a layer over what is already there (the copy storage driver):
    /// whiteouts delete, opaque directories empty what they cover, and
    /// overlayfs's own xattrs are not copied.
    let merge: Bool
    private var links: [String: String] = [:]

    init(shift: MappedLayers.Shift, merge: Bool = false) {
        self.shift = shift
        self.merge = merge
    }

    mutating func copy(_ source: String, to target: String) throws(StoreError) {
        try entry(source, target)
    }

    private mutating func entry(_ source: String, _ target: String) throws(StoreError) {
        var st = stat()
        guard lstat(source, &st) == 0 else { throw failure(source) }
        let uid = MappedLayers.Shift.owner(st.st_uid, inside: shift.uid)
        let gid = MappedLayers.Shift.owner(st.st_gid, inside: shift.gid)
        let mode = st.st_mode & 0o7777
        if merge {
            var existing = stat()
            let present = lstat(target, &existing) == 0
            let isWhiteout = st.st_mode & S_IFMT == S_IFCHR && st.st_rdev == 0
            if isWhiteout {
                if present { FileSystem.removeTree(target) }
                return
            }
            if present {
                let bothDirectories = st.st_mode & S_IFMT == S_IFDIR && existing.st_mode & S_IFMT == S_IFDIR
                if !bothDirectories {
                    FileSystem.removeTree(target)
                } else if Self.isOpaque(source) {
                    for name in try names(in: target) { FileSystem.removeTree(target + "/" + name) }
                }
            }
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(target, 0o700) == 0 || (merge && errno == EEXIST) else { throw failure(target) }
            for name in try names(in: source) {
                try entry(source + "/" + name, target + "/" + name)
            }
            try attributes(source, target, uid: uid, gid: gid, mode: mode, st: st, xattrs: true)
        case S_IFREG:
            let key = "\(st.st_dev):\(st.st_ino)"
            if st.st_nlink > 1, let first = links[key] {
                guard link(first, target) == 0 else { throw failure(target) }
                return
            }
            try data(source, target)
            try attributes(source, target, uid: uid, gid: gid, mode: mode, st: st, xattrs: true)
            if st.st_nlink > 1 { links[key] = target }
        case S_IFLNK:
            guard let destination = FileSystem.readLink(source), symlink(destination, target) == 0 else { throw failure(target) }
            try attributes(source, target, uid: uid, gid: gid, mode: nil, st: st, xattrs: false)
        default:
            // Devices (overlayfs's whiteouts are 0/0 character devices), fifos, sockets.
            guard mknod(target, st.st_mode, st.st_rdev) == 0 else { throw failure(target) }
            try attributes(source, target, uid: uid, gid: gid, mode: mode, st: st, xattrs: true)
        }
    }

    /// A directory's entries; a directory that cannot be read fails the
    /// copy (an empty listing would be a silently incomplete layer).
    private func names(in directory: String) throws(StoreError) -> [String] {
        guard let dir = opendir(directory) else { throw failure(directory) }
        defer { closedir(dir) }
        var out: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw failure(directory) }
                return out
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { out.append(name) }
        }
    }

    private func data(_ source: String, _ target: String) throws(StoreError) {
        let input = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard input >= 0 else { throw failure(source) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw failure(target) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure(source) }
            if n == 0 { return }
            var offset = 0
            while offset < n {
                let w = buffer[offset..<n].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { throw failure(target) }
                offset += w
            }
        }
    }

    /// Owner first (chown clears set-id bits), then mode, xattrs, times.
    private func attributes(_ source: String, _ target: String, uid: UInt32, gid: UInt32, mode: mode_t?, st: stat,
                            xattrs: Bool) throws(StoreError) {
        guard lchown(target, uid, gid) == 0 else { throw failure(target) }
        if let mode, chmod(target, mode) != 0 { throw failure(target) }
        if xattrs { try copyXattrs(source, target) }
        var times = [st.st_atim, st.st_mtim]
        guard utimensat(AT_FDCWD, target, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw failure(target) }
    }

    /// What the store's namespace can read is copied; a name the kernel
    /// will not let it set again (security.* it may not write) is left
    /// out, as it is when such a layer is unpacked.
    private func copyXattrs(_ source: String, _ target: String) throws(StoreError) {
        let size = llistxattr(source, nil, 0)
        guard size > 0 else { return }
        var names = [CChar](repeating: 0, count: size)
        let got = llistxattr(source, &names, size)
        guard got > 0 else { return }
        var start = 0
        while start < got {
            var end = start
            while end < got && names[end] != 0 { end += 1 }
            let name = String(decoding: names[start..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            start = end + 1
            guard !name.isEmpty, !(merge && name.hasPrefix("user.overlay.")) else { continue }
            let length = lgetxattr(source, name, nil, 0)
            guard length >= 0 else { continue }
            var value = [UInt8](repeating: 0, count: max(length, 1))
            let read = lgetxattr(source, name, &value, length)
            guard read >= 0 else { continue }
            if lsetxattr(target, name, value, read, 0) != 0 && errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP {
                throw failure(target)
            }
        }
    }

    static func isOpaque(_ path: String) -> Bool {
        var value: UInt8 = 0
        return lgetxattr(path, "user.overlay.opaque", &value, 1) == 1 && value == UInt8(ascii: "y")
    }

    private func failure(_ path: String) -> StoreError {
        .io(path: path, reason: String(cString: strerror(errno)))
    }
}
