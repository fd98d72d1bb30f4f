import ImageStore
import OCI
import Platform
import Project
import Registry

/// Which image a run uses: the command line's, else the project
/// definition's (devbox.toml, devcontainer.json), else none (the host image). Unpacks its layers if needed.
enum ImageSelection {
    /// `definition`: the project's (its `image` is the default).
    static func resolve(_ argument: String?, pull: RunOptions.PullPolicy = .missing, project: Project, host: HostFacts,
                        definition: EnvironmentDefinition? = nil) -> ImageRoot? {
        let dataDir = host.dataDir
        guard let name = argument ?? definition?.image else { return nil }
        var store = ImageStore(root: dataDir)
        // The everyday case: a card made from the current refs.json, the
        // image leased and its layers unpacked. No JSON is decoded.
        if pull == .missing || pull == .never, let card = RunCard.load(store.layout, name: name),
           ImageLease.acquire(store.layout, manifest: card.manifestDigest), let dirs = store.layerDirectories(layers: card.layers) {
            return ImageRoot(reference: card.reference, manifestDigest: card.manifestDigest, layers: dirs, config: card.execution,
                             passwd: accountFile("etc/passwd", dirs), group: accountFile("etc/group", dirs))
        }
        let stamp = RunCard.stamp(store.layout)
        do throws(StoreError) {
            var image = try find(name, pull: pull, store: &store, host: host)
            // The run's lease on its image (one open + flock + fstat): prune
            // keeps what a running container uses, even if it is untagged.
            // A prune that removed the image meanwhile makes us look again.
            if !ImageLease.acquire(store.layout, manifest: image.manifestDigest) {
                image = try find(name, pull: .missing, store: &store, host: host)
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
            RunCard(image).save(store.layout, name: name, refsStampBefore: stamp)
            return ImageRoot(reference: image.reference, manifestDigest: image.manifestDigest, layers: dirs,
                             config: image.config.config ?? .init(),
                             passwd: accountFile("etc/passwd", dirs), group: accountFile("etc/group", dirs))
        } catch {
            fail(error)  // a StoreError: its description is the message
        }
    }

    /// The stored image, pulled as `--pull` says: `missing` (the default)
    /// when the store lacks it, `always` every time (a pull of an unchanged
    /// image fetches only its manifest), `newer` when the registry's differs
    /// but, as podman, the stored one when the registry cannot be asked,
    /// `never` not at all.
    static func find(_ name: String, pull: RunOptions.PullPolicy, store: inout ImageStore, host: HostFacts) throws(StoreError) -> StoredImage {
        let reference = try? ImageReference(parsing: name)
        if pull == .newer, let reference, let stored = try? store.image(reference.description) {
            do {
                try fetchOrThrow(reference, store: &store, host: host)
            } catch {
                printError("devbox: cannot ask \(reference.registry) for a newer \(reference) (\(error)); running the stored one")
                return stored
            }
            return try store.image(reference.description)
        }
        if pull == .always || pull == .newer, let reference {
            fetch(reference, store: &store, host: host)
            return try store.image(reference.description)
        }
        do {
            return try store.image(name)
        } catch {
            guard case .notFound = error, let reference else { throw error }
            if pull == .never {
                fail("image '\(name)' is not in the store and --pull=never forbids pulling it; run `devbox pull \(name)` first")
            }
            printError("devbox: \(reference) is not in the store; pulling it")
            fetch(reference, store: &store, host: host)
            return try store.image(reference.description)
        }
    }

    static func fetch(_ reference: ImageReference, store: inout ImageStore, host: HostFacts) {
        do { try fetchOrThrow(reference, store: &store, host: host) } catch { fail(error) }
    }

    static func fetchOrThrow(_ reference: ImageReference, store: inout ImageStore, host: HostFacts) throws(RegistryError) {
        store.userNamespace = StoreAccess.userNamespace(host: host)
        let connection = registryConnection(reference.registry, nil, host.environment)
        _ = try Puller(store: store, progress: PullProgress(quiet: false)).pull(reference, connection: connection)
    }

    /// The top-most layer's copy of an account file (the image's, never the host's).
    static func accountFile(_ path: String, _ layers: [String]) -> String? {
        for layer in layers {
            if let text = FileSystem.read(layer + "/" + path, limit: 4 << 20) { return text }
        }
        return nil
    }
}
