import OCI
import ImageStore
import Platform
import Project
import Registry
import Runtime

/// Opens the image store the way the sandbox will see it: rootless with a
/// subordinate range, layers are unpacked inside the same held user
/// namespace containers run in, so their files keep mappable owners.
enum StoreAccess {
    /// `session`: the command changes the store (pull, load, import: `.write`;
    /// prune: `.exclusive`). Read-only commands pass nil and start no
    /// user-namespace holder.
    static func open(dataRoot: String?, session: StoreSession.Mode? = nil) -> ImageStore {
        let host = HostFacts.current(dataRoot: dataRoot)
        var store = ImageStore(root: host.dataDir)
        guard let session else { return store }
        store.userNamespace = userNamespace(host: host)
        do {
            try store.beginSession(session, waiting: announceWait)
        } catch {
            failImage(error)
        }
        return store
    }

    static func userNamespace(host: HostFacts) -> Int32? {
        guard host.uid != 0, let uidHelper = host.newuidmap, let gidHelper = host.newgidmap else { return nil }
        let identity = IdentityPlanner.plan(mode: .root, host: host)
        guard identity.needsHelpers else { return nil }
        return (try? UserNamespaceHolder.open(runtimeDir: host.runtimeDir, uidMappings: identity.uidMappings,
                                              gidMappings: identity.gidMappings, helpers: (uidHelper, gidHelper), debug: false))?.fd
    }

    /// The FUSE storage driver's daemon works in the store's user
    /// namespace, whose ids the layers were unpacked with: under keep-id
    /// the container's differs, and the daemon's view maps the owners.
    static func fuseNamespace(for spec: RuntimeSpec, host: HostFacts) -> Int32 {
        guard spec.usesFuseOverlay else { return -1 }
        return userNamespace(host: host) ?? -1
    }

    /// Said once when another devbox process holds the store: a prune waits
    /// for pulls to finish, a pull for a prune.
    static func announceWait() {
        printError("devbox: waiting for other devbox processes using the image store")
    }
}

/// The image commands' failure: one line, exit 2 for a usage error and 1
/// for anything else (docs/EXIT-CODES.md).
func failImage(_ error: StoreError) -> Never {
    fail(error, code: error.exitCode)
}

func failImage(_ error: RegistryError) -> Never {
    if case .store(let inner) = error { failImage(inner) }
    fail(error, code: 1)
}

/// The connection to a registry; a config.toml devbox does not understand
/// is a configuration error (exit 2), whichever command reads it.
func registryConnection(_ registry: String, _ tlsFlag: Bool?, _ environment: [String: String]) -> RegistryConnection {
    do { return try RegistryConnection(registry: registry, tlsFlag: tlsFlag, environment: environment) } catch {
        fail(error, code: ExitStatus.usage)
    }
}
