import Containers
import ImageStore
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// `rm` and `run -d --rm`'s end: the record, name, log, layer and live
/// state go; named volumes stay.
enum ContainerRemoval {
    static func remove(_ record: ContainerRecord, store: ContainerStore) {
        store.remove(record) { removeTree($0, store: store) }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "destroy"))
    }

    /// Files of the container's other ids (rootless) only its user
    /// namespace may delete: joined when a plain removal left something.
    static func removeTree(_ dir: String, store: ContainerStore) {
        FileSystem.removeTree(dir)
        guard FileSystem.exists(dir) else { return }
        let host = HostFacts.current(dataRoot: store.dataDir)
        NamespacedRemoval.remove(dir, userNamespace: StoreAccess.userNamespace(host: host))
    }
}
