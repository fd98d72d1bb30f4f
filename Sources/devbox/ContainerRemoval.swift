import Containers
import ImageStore
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// `rm` and `run -d --rm`'s end: the record, name, log, layer and live
/// state go; named volumes stay. Anonymous volumes (`-v /dst`) go too
/// with `rm -v` and `--rm`, as podman does.
enum ContainerRemoval {
    static func remove(_ record: ContainerRecord, store: ContainerStore, anonymousVolumes: Bool = false) {
        store.remove(record) { removeTree($0, store: store) }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "destroy"))
        if anonymousVolumes { removeAnonymous(record.volumes, dataDir: store.dataDir, store: store) }
    }

    /// Those of `names` that are anonymous and no other run holds.
    static func removeAnonymous(_ names: [String], dataDir: String, store: ContainerStore?) {
        let volumes = VolumeStore(dataDir: dataDir)
        for name in names where (try? volumes.inspect(name))?.anonymous == true {
            try? volumes.remove(name) { dir in
                if let store { removeTree(dir, store: store) } else { FileSystem.removeTree(dir) }
            }
        }
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
