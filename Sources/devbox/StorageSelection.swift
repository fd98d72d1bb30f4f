import Platform
#if canImport(Glibc)
import Glibc
#endif
import Project
import Runtime

/// Which storage driver a run uses: `--storage-driver`, else
/// DEVBOX_STORAGE_DRIVER, else the one the storage probe found works here
/// (its answer is cached, so only the first run on a kernel probes).
enum StorageSelection {
    /// `hostImage`: the run's root is the host's (no image); `persistent`:
    /// it is a project environment, not a `--rm` run.
    static func driver(_ flag: String?, host: HostFacts, debugging: Bool, hostImage: Bool = false, persistent: Bool = false) -> RunOptions.StorageDriver {
        if let name = flag ?? host.environment["DEVBOX_STORAGE_DRIVER"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let driver = RunOptions.StorageDriver(rawValue: name) else {
                fail("storage driver '\(name)' (\(flag == nil ? "DEVBOX_STORAGE_DRIVER" : "--storage-driver")): give "
                     + RunOptions.StorageDriver.allCases.map(\.rawValue).joined(separator: " or "), code: ExitStatus.usage)
            }
            debug(debugging, "storage driver \(driver.rawValue) (as asked)")
            return driver
        }
        // The host image's project environment, rootless: the FUSE view, in
        // which the host's root-owned files are the container's root's, so
        // apt and dpkg work there (docs/STORAGE.md). --rm runs stay on
        // kernel overlay, the fastest start.
        if hostImage && persistent && host.uid != 0 && fuseUsable() {
            debug(debugging, "storage driver fuse (the host image's environment: package managers need its ownership view)")
            return .fuse
        }
        let found = StorageProbe.driver(dataDir: host.dataDir, version: Devbox.version)
        if hostImage {
            // Copies are of an image's layers: the host image has overlay or FUSE.
            let driver: RunOptions.StorageDriver = found.driver == "none" && fuseUsable() ? .fuse : .overlay
            debug(debugging, "storage driver \(driver.rawValue) (the storage probe: \(found.driver) on \(found.filesystem))")
            return driver
        }
        // Only a refusal the probe saw moves image runs off overlay
        // ("undetermined" keeps it): to the FUSE overlay where /dev/fuse
        // opens, else to copies.
        let driver: RunOptions.StorageDriver = found.driver != "none" ? .overlay : fuseUsable() ? .fuse : .copy
        debug(debugging, "storage driver \(driver.rawValue) (the storage probe: \(found.driver) on \(found.filesystem); `devbox info` says why)")
        return driver
    }

    /// /dev/fuse opens for reading and writing (mode 0666, as Debian's udev
    /// makes it; a fresh machine without udev may have 0600).
    static func fuseUsable() -> Bool {
        let fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
