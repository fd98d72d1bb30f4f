import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// `devbox import ROOTFS.tar[.gz|.zst] NAME`: a one-layer image from a root
/// filesystem tarball, stored as it came (its compression decides the media type).
public struct RootfsImporter {
    public let store: ImageStore

    public init(store: ImageStore) {
        self.store = store
    }

    /// `path` may be `-`: the tarball on standard input (`podman import - NAME`).
    public func importTarball(_ path: String, as reference: ImageReference) throws(StoreError) -> StoredImage {
        if path == "-" && isatty(0) == 1 {
            throw .usage("standard input is a terminal; pipe a tarball in (devbox import - NAME < rootfs.tar) or name a file")
        }
        let ingested = try store.blobs.ingest(file: path, what: path == "-" ? "standard input" : path)
        let (digest, size) = (ingested.digest, ingested.size)
        let blob = store.layout.blob(digest)
        // Read and unpack now: a corrupt or hostile tarball is refused here,
        // before anything refers to it, and its blob goes again.
        let diffID: Digest
        do {
            diffID = try DiffID.compute(blob: blob, name: digest.short)
            try LayerUnpacker(layout: store.layout, userNamespace: store.userNamespace).unpack(digest)
        } catch {
            if ingested.created { unlink(blob) }
            throw error
        }
        let layer = Descriptor(mediaType: Self.mediaType(of: blob), digest: digest, size: size)
        let config = ImageConfig(
            architecture: HostPlatform.current.architecture, os: "linux",
            config: .init(Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"]),
            rootfs: .init(diffIDs: [diffID]))
        return try store.commit(reference: reference, config: config, layers: [layer])
    }

    static func mediaType(of path: String) -> String {
        let magic = Array((FileSystem.readPrefix(path, count: 4) ?? []))
        if magic.starts(with: [0x1f, 0x8b]) { return MediaType.ociLayerGzip }
        if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return MediaType.ociLayerZstd }
        return MediaType.ociLayer
    }
}

/// The platform images are chosen for: the machine devbox runs on.
public enum HostPlatform {
    public static var current: OCI.Platform {
        let machine = Machine.name
        switch machine {
        case "x86_64": return OCI.Platform(architecture: "amd64", os: "linux")
        case "aarch64", "arm64": return OCI.Platform(architecture: "arm64", os: "linux", variant: "v8")
        default: return OCI.Platform(architecture: machine, os: "linux")
        }
    }
}
