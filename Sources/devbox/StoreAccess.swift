import ImageStore
import Platform
import Project
import Sandbox

/// Opens the image store the way the sandbox will see it: rootless with a
/// subordinate range, layers are unpacked inside the same held user
/// namespace containers run in, so their files keep mappable owners.
enum StoreAccess {
    static func open(dataRoot: String?) -> ImageStore {
        let host = HostFacts.current(dataRoot: dataRoot)
        var store = ImageStore(root: host.dataDir)
        store.userNamespace = userNamespace(host: host)
        return store
    }

    static func userNamespace(host: HostFacts) -> Int32? {
        guard host.uid != 0, let uidHelper = host.newuidmap, let gidHelper = host.newgidmap else { return nil }
        let identity = IdentityPlanner.plan(mode: .root, host: host)
        guard identity.needsHelpers else { return nil }
        return try? UserNamespaceHolder.open(runtimeDir: host.runtimeDir, uidMappings: identity.uidMappings,
                                             gidMappings: identity.gidMappings, helpers: (uidHelper, gidHelper), debug: false)
    }
}
