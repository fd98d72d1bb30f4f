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
        do {
            let image: StoredImage
            do {
                image = try store.image(name)
            } catch {
                // podman's pull policy "missing": fetch what the store lacks.
                guard case .notFound = error, let reference = try? ImageReference(parsing: name) else { throw error }
                store.userNamespace = StoreAccess.userNamespace(host: host)
                printError("devbox: \(reference) is not in the store; pulling it")
                let connection = RegistryConnection(registry: reference.registry, tlsFlag: nil, environment: host.environment)
                do {
                    _ = try Puller(store: store, progress: PullProgress(quiet: false)).pull(reference, connection: connection)
                } catch {
                    fail(error)
                }
                image = try store.image(reference.description)
            }
            // Unpacking (rare on this path) happens in the held namespace.
            if image.manifest.layers.contains(where: { !FileSystem.isDirectory(store.layout.layer($0.digest)) }) {
                store.userNamespace = StoreAccess.userNamespace(host: host)
            }
            let layers = try store.layerDirectories(image)
            return ImageRoot(reference: image.reference, manifestDigest: image.manifestDigest, layers: layers,
                             config: image.config.config ?? .init(),
                             passwd: accountFile("etc/passwd", layers), group: accountFile("etc/group", layers))
        } catch {
            fail("\(error)")  // a StoreError: its description is the message
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
