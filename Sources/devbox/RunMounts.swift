import Containers
import ImageStore
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// The host side of `-v`, `--mount` and `--device`: bind sources resolved,
/// named volumes created on first use and leased for the run, devices
/// checked against what the user may open.
enum RunMounts {
    /// This process's leases of the anonymous volumes it made, given up
    /// when a `--rm` run ends and removes them.
    nonisolated(unsafe) static var anonymousLeases: [Int32] = []

    /// `--rm`'s end, in the foreground: the run's anonymous volumes go.
    static func removeAnonymousVolumes(_ names: [String], host: HostFacts) {
        guard !names.isEmpty else { return }
        anonymousLeases.forEach { close($0) }
        anonymousLeases = []
        ContainerRemoval.removeAnonymous(names, dataDir: host.dataDir,
                                         store: ContainerStore(dataDir: host.dataDir, runtimeDir: host.runtimeDir))
    }

    static func add(_ request: RunFlagValues.MountRequest, to options: inout RunOptions, host: HostFacts) throws(PlanError) {
        switch request {
        case .bind(var volume):
            let absolute = volume.source.hasPrefix("/") ? volume.source : host.cwd + "/" + volume.source
            guard let resolved = FileSystem.realPath(absolute) else { throw .missingVolumeSource(volume.source) }
            volume.source = resolved
            options.volumes.append(volume)
        case .volume(let name, let destination, let readOnly):
            let store = VolumeStore(dataDir: host.dataDir)
            let record: VolumeRecord
            do throws(VolumeError) {
                if let name { record = try store.ensure(name) } else { record = try store.create(nil) }
                // Held until devbox exits (the run's end): `volume rm` and
                // `prune` see the volume in use meanwhile.
                let lease = try store.lease(record.name)
                if name == nil {
                    options.anonymousVolumes.append(record.name)
                    Self.anonymousLeases.append(lease)
                }
            } catch {
                throw .volume(error.description)
            }
            options.volumeNames.append(record.name)
            options.volumes.append(RunOptions.Volume(source: store.dataPath(record.name), destination: destination,
                                                     readOnly: readOnly))
        case .tmpfs(let tmpfs):
            options.tmpfs.append(tmpfs)
        }
    }

    /// Rootless, a device is usable only if the user can open it: binding
    /// one the user cannot open gives a node inside that fails with EACCES
    /// at first use, far from the flag that asked for it.
    static func device(_ device: RunOptions.Device) throws(PlanError) -> RunOptions.Device {
        var st = stat()
        guard stat(device.source, &st) == 0 else {
            throw .inaccessibleDevice(device.source, reason: String(cString: strerror(errno)))
        }
        let type = st.st_mode & S_IFMT
        guard type == S_IFCHR || type == S_IFBLK else { throw .inaccessibleDevice(device.source, reason: "not a device node") }
        guard access(device.source, device.readOnly ? R_OK : R_OK | W_OK) == 0 else {
            throw .inaccessibleDevice(device.source, reason: "you cannot open it\(device.readOnly ? "" : " for writing") (\(String(cString: strerror(errno)))); "
                                      + "ask for read-only access with :r or change its permissions")
        }
        return device
    }
}
