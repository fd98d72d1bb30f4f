import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// Deletes blobs and unpacked layers that nothing needs, and returns the
    /// bytes freed. Needed are: every tagged image, every project
    /// environment's image (`inUse`), and every image a run holds a lease on
    /// (`ImageLease`) even if it was untagged since. Runs in an exclusive
    /// session, so no pull, load or import is half-way through.
    public func prune(inUse: Set<Digest> = []) throws(StoreError) -> Int64 {
        guard session?.mode == .exclusive else {
            throw .io(path: layout.storeLock, reason: "prune without the exclusive store lock (a devbox bug)")
        }
        return try refs.locked { () throws(StoreError) -> Int64 in
            var keep = Set<String>()
            for manifestDigest in Set(refs.all().values).union(inUse) {
                if let manifest = manifest(at: layout.blob(manifestDigest)) { keepImage(manifestDigest, manifest, in: &keep) }
            }
            // Untagged manifests: a run's shared lock on one keeps it and its
            // layers. Those found free stay locked by us until they are
            // deleted, so a run that opens one meanwhile waits and then finds
            // it unlinked (ImageLease checks the link count).
            var held: [Int32] = []
            defer { held.forEach { close($0) } }
            for name in FileSystem.list(layout.blobs) where !keep.contains(name) {
                let path = layout.blobs + "/" + name
                guard let manifest = manifest(at: path), let digest = Digest(hex: name) else { continue }
                let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
                guard fd >= 0 else { continue }
                if FileLock.take(fd, exclusive: true, wait: false) {
                    held.append(fd)
                } else {
                    close(fd)
                    keepImage(digest, manifest, in: &keep)
                }
            }
            var freed: Int64 = 0
            for dir in [layout.blobs, layout.layers] {
                for name in FileSystem.list(dir) where !keep.contains(name) {
                    freed += DiskUsage.bytes(dir + "/" + name)
                    NamespacedRemoval.remove(dir + "/" + name, userNamespace: userNamespace)
                }
            }
            // keep-id copies of layers go with their layer.
            let mapped = MappedLayers.root(layout)
            for mapping in FileSystem.list(mapped) {
                for name in FileSystem.list(mapped + "/" + mapping) where !keep.contains(String(name.prefix(64))) {
                    freed += DiskUsage.bytes(mapped + "/" + mapping + "/" + name)
                    NamespacedRemoval.remove(mapped + "/" + mapping + "/" + name, userNamespace: userNamespace)
                }
            }
            return freed
        }
    }

    private func keepImage(_ digest: Digest, _ manifest: ImageManifest, in keep: inout Set<String>) {
        keep.insert(digest.hex)
        keep.insert(manifest.config.digest.hex)
        manifest.layers.forEach { keep.insert($0.digest.hex) }
    }

    /// The blob at `path` as an image manifest, if it is one (layers and
    /// configs do not decode as one; big blobs are not read at all).
    private func manifest(at path: String) -> ImageManifest? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) <= BlobLimits.manifest,
              let bytes = FileSystem.readBytes(path), bytes.first == UInt8(ascii: "{") else { return nil }
        return try? JSONDecoder().decode(ImageManifest.self, from: Data(bytes))
    }
}

/// A run's hold on its image: a shared flock on the manifest blob, kept
/// until the process exits (the descriptor is close-on-exec, so the
/// container does not inherit it). Prune keeps every image whose manifest it
/// cannot lock exclusively. One open, one flock, one fstat: the hot path of
/// `devbox run IMAGE` reads no more JSON than before.
public enum ImageLease {
    /// False if the manifest is gone, or was unlinked by a prune that held
    /// it while we waited: the caller resolves the name again.
    public static func acquire(_ layout: StoreLayout, manifest: Digest) -> Bool {
        let fd = open(layout.blob(manifest), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        var st = stat()
        guard FileLock.take(fd, exclusive: false, wait: true), fstat(fd, &st) == 0, st.st_nlink > 0 else {
            close(fd)
            return false
        }
        return true  // the descriptor stays open on purpose: it is the lease
    }
}

/// Sizes a descriptor may declare. Real layers reach tens of GB; anything
/// beyond these is corruption or an attack, refused before a byte is stored.
public enum BlobLimits {
    /// Manifests and indexes (containerd uses the same 4 MiB).
    public static let manifest: Int64 = 4 << 20
    public static let config: Int64 = 64 << 20
    public static let layer: Int64 = 1 << 40

    public static func check(_ descriptor: Descriptor, limit: Int64, what: String) throws(StoreError) {
        guard descriptor.size >= 0, descriptor.size <= limit else {
            throw .absurdSize(what: what, declared: descriptor.size, limit: limit)
        }
    }
}

/// Free space of the store's filesystem, checked against declared sizes
/// before a download or copy starts (a lying manifest is stopped by
/// BlobWriter while it streams; this catches the honest giant early).
public enum StoreSpace {
    public static func check(_ layout: StoreLayout, needed: Int64) throws(StoreError) {
        var fs = statvfs()
        guard needed > 0, statvfs(layout.root, &fs) == 0 else { return }
        let available = Int64(fs.f_bavail) * Int64(fs.f_frsize)
        if needed > available { throw .noSpace(needed: needed, available: available, store: layout.root) }
    }
}
