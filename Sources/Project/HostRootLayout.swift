import OCI
import Platform

/// How the host's own root filesystem becomes the container's root (the
/// built-in default image): each top-level directory gets its own overlay,
/// because kernel overlayfs refuses a lower layer with mounts below it that
/// the user namespace may not reveal ("failed to clone lowerpath" for `/`).
public enum HostRootLayout {
    /// Top-level names never taken from the host: the container gets its own
    /// (proc, dev, sys, tmp, run) or they would leak private data (home,
    /// root: the user's and other users' files).
    public static let replaced: Set<String> = ["proc", "dev", "sys", "tmp", "run", "home", "root", "lost+found"]

    /// Top-level directories that get an overlay (the rest are bound or replaced).
    public static func overlaid(entries: [HostFacts.RootEntry], mountPoints: [String], dataDir: String) -> [String] {
        let nested = nestedNames(mountPoints: mountPoints, dataDir: dataDir)
        return entries.compactMap { entry in
            guard case .directory = entry.kind, !replaced.contains(entry.name), !nested.contains(entry.name) else { return nil }
            return entry.name
        }
    }

    /// Top-level names with other filesystems mounted below them, or holding
    /// devbox's own store (an overlay may not contain its upper layer): those
    /// are shown read-only as they are on the host. One pass over the mounts,
    /// not one per directory: this is on every run.
    static func nestedNames(mountPoints: [String], dataDir: String) -> Set<String> {
        var names = Set<String>()
        for path in mountPoints {
            if let (top, deeper) = topComponent(path), deeper { names.insert(top) }
        }
        if let (top, _) = topComponent(dataDir) { names.insert(top) }
        return names
    }

    /// The first component of a path, and whether a non-empty one follows
    /// ("/a//" has none, "/a/b" has), as splitting on "/" would say.
    static func topComponent(_ path: String) -> (String, Bool)? {
        var path = path
        return path.withUTF8 { bytes -> (String, Bool)? in
            let slash = UInt8(ascii: "/")
            var start = 0
            while start < bytes.count && bytes[start] == slash { start += 1 }
            guard start < bytes.count else { return nil }
            var end = start
            while end < bytes.count && bytes[end] != slash { end += 1 }
            var rest = end
            while rest < bytes.count && bytes[rest] == slash { rest += 1 }
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), rest < bytes.count)
        }
    }

    /// `emptyAsDirectory`: the run's writable layer is thrown away and lives
    /// in its private tmpfs, and an overlaid directory shows this owner
    /// inside. Then a directory that is empty on the host is a directory of
    /// the root's tmpfs (DirectoryMount): the same view (empty, writable,
    /// gone with the run) without an overlay superblock, which costs ~50 us
    /// to make and an RCU grace period to free, nor a tmpfs of its own.
    public static func mounts(entries: [HostFacts.RootEntry], mountPoints: [String], dataDir: String,
                              skeleton: String?, emptyAsDirectory: (uid: UInt32, gid: UInt32)? = nil) -> [RuntimeSpec.Mount] {
        let nested = nestedNames(mountPoints: mountPoints, dataDir: dataDir)
        return entries.sorted { $0.name < $1.name }.compactMap { entry in
            guard !replaced.contains(entry.name) else { return nil }
            let path = "/" + entry.name
            switch entry.kind {
            case .symlink(let target):
                return RuntimeSpec.Mount(destination: path, type: "symlink", source: target)
            case .file:
                return RuntimeSpec.Mount(destination: path, type: "bind", source: path, options: ["rbind", "ro"])
            case .directory:
                if nested.contains(entry.name) {
                    return RuntimeSpec.Mount(destination: path, type: "bind", source: path, options: ["rbind", "ro"])
                }
                if let empty = entry.emptyDirectory, let owner = emptyAsDirectory {
                    // The skeleton's mode when there is one (the host's, owner rwx added).
                    let mode = skeleton == nil ? empty.mode : empty.mode | 0o700
                    return DirectoryMount.mount(path, mode: mode, uid: owner.uid, gid: owner.gid)
                }
                let lowers = skeleton.map { [$0 + path, path] } ?? [path]
                return RuntimeSpec.Mount(destination: path, type: "overlay", source: "overlay",
                                         options: ["lowerdir=" + lowers.concatenated(separator: ":")])
            case .other:
                return nil
            }
        }
    }

    /// The kernel-provided parts every container gets: /proc, a minimal /dev,
    /// /sys read-only, and fresh /tmp and /run. `ownNetwork`: the container
    /// has a network namespace of its own (`--network none`). `inRootTmpfs`:
    /// the root is a writable tmpfs of the run's own (the host image), so
    /// /tmp and /run are directories of it rather than tmpfs mounts of their
    /// own (DirectoryMount); a read-only root needs them as mounts.
    public static func systemMounts(ownNetwork: Bool, inRootTmpfs: Bool = false) -> [RuntimeSpec.Mount] {
        // sysfs may only be mounted by the owner of the network namespace:
        // with the host's network that is not us, so the host's is bound
        // read-only; with one of its own, a new sysfs shows only its devices
        // in /sys/class/net (the runtime binds the host's cgroup tree below
        // it). Right after /proc: the profile's masks on both can then be
        // laid while /dev is built (see dbx_policy_start).
        let sys: RuntimeSpec.Mount = ownNetwork
            ? .init(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"])
            : .init(destination: "/sys", type: "bind", source: "/sys", options: ["rbind", "ro", "nosuid", "noexec", "nodev"])
        var mounts: [RuntimeSpec.Mount] = [
            .init(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
            sys,
            .init(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        ]
        // Device nodes cannot be created in a user namespace: bind the host's.
        for device in ["null", "zero", "full", "random", "urandom", "tty"] {
            mounts.append(.init(destination: "/dev/" + device, type: "bind", source: "/dev/" + device, options: ["rbind", "nosuid", "noexec"]))
        }
        mounts += [
            .init(destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
            .init(destination: "/dev/ptmx", type: "symlink", source: "pts/ptmx"),
            .init(destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            .init(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/dev/fd", type: "symlink", source: "/proc/self/fd"),
            .init(destination: "/dev/stdin", type: "symlink", source: "/proc/self/fd/0"),
            .init(destination: "/dev/stdout", type: "symlink", source: "/proc/self/fd/1"),
            .init(destination: "/dev/stderr", type: "symlink", source: "/proc/self/fd/2"),
        ]
        if inRootTmpfs {
            mounts += [DirectoryMount.mount("/tmp", mode: 0o1777), DirectoryMount.mount("/run", mode: 0o755)]
        } else {
            mounts += [
                .init(destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]),
                .init(destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]),
            ]
        }
        return mounts
    }
}
