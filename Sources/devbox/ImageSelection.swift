import ImageStore
import OCI
import Platform
import Project
import Registry

/// Which image a run uses: the command line's, else devbox.toml's, else
/// none (the host image). Unpacks its layers if needed.
enum ImageSelection {
    static func resolve(_ argument: String?, project: Project, host: HostFacts) -> ImageRoot? {
        let dataDir = host.dataDir
        // devbox.toml is checked even when the command line names the image:
        // a broken file is reported the same way on every run.
        let config: ProjectConfig?
        do { config = try ProjectConfig.load(projectRoot: project.root) } catch {
            fail(error, code: ExitStatus.usage)
        }
        guard let name = argument ?? config?.image else { return nil }
        var store = ImageStore(root: dataDir)
        do throws(StoreError) {
            var image = try find(name, store: &store, host: host)
            // The run's lease on its image (one open + flock + fstat): prune
            // keeps what a running container uses, even if it is untagged.
            // A prune that removed the image meanwhile makes us look again.
            if !ImageLease.acquire(store.layout, manifest: image.manifestDigest) {
                image = try find(name, store: &store, host: host)
                guard ImageLease.acquire(store.layout, manifest: image.manifestDigest) else { throw StoreError.removedMeanwhile(name) }
            }
            var layers = store.layerDirectories(image)
            if layers == nil {
                // Unpacking (rare on this path) happens in the held namespace,
                // as a store writer.
                store.userNamespace = StoreAccess.userNamespace(host: host)
                try store.beginSession(.write, waiting: { StoreAccess.announceWait() })
                layers = try store.unpackLayers(image)
            }
            let dirs = layers ?? []
            return ImageRoot(reference: image.reference, manifestDigest: image.manifestDigest, layers: dirs,
                             config: image.config.config ?? .init(),
                             passwd: accountFile("etc/passwd", dirs), group: accountFile("etc/group", dirs))
        } catch {
            fail(error)  // a StoreError: its description is the message
        }
    }

    /// The stored image, pulled first if the store lacks it (podman's pull
    /// policy "missing").
    static func find(_ name: String, store: inout ImageStore, host: HostFacts) throws(StoreError) -> StoredImage {
        do {
            return try store.image(name)
        } catch {
            guard case .notFound = error, let reference = try? ImageReference(parsing: name) else { throw error }
            store.userNamespace = StoreAccess.userNamespace(host: host)
            printError("devbox: \(reference) is not in the store; pulling it")
            let connection = registryConnection(reference.registry, nil, host.environment)
            do {
                _ = try Puller(store: store, progress: PullProgress(quiet: false)).pull(reference, connection: connection)
            } catch {
                fail(error)
            }
            return try store.image(reference.description)
        }
    }

    /// The top-most layer's copy of an account file (the image's, never the host's).
    static func accountFile(_ path: String, _ layers: [String]) -> String? {
        for layer in layers {
            if let text = FileSystem.read(layer + "/" + path, limit: 4 << 20) { return text }
        }
        return nil
    }
}
