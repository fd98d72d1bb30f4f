import Platform
#if canImport(Glibc)
import Glibc
#endif

extension HostFacts {
    /// Reads the facts of the machine devbox runs on. `dataRoot` is `--root`.
    public static func current(dataRoot: String? = nil) -> HostFacts {
        let uid = getuid(), gid = getgid()
        let env = ProcessEnvironment.current()
        let passwd = ProcessEnvironment.passwdEntry(uid: uid)
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? passwd?.home ?? "/"
        let cwd = FileSystem.currentDirectory() ?? home


        var entries: [RootEntry] = []
        for name in FileSystem.list("/") {
            var st = stat()
            guard lstat("/" + name, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                // A directory with a subdirectory has more than two links
                // (btrfs says 1 for every directory): only the others are read.
                let empty = st.st_nlink <= 2 && FileSystem.isEmptyDirectory("/" + name)
                entries.append(.init(name: name, kind: .directory,
                                     emptyDirectory: empty ? .init(mode: UInt32(st.st_mode & 0o7777)) : nil))
            case S_IFREG: entries.append(.init(name: name, kind: .file))
            case S_IFLNK: entries.append(.init(name: name, kind: .symlink(target: FileSystem.readLink("/" + name) ?? "")))
            default: entries.append(.init(name: name, kind: .other))
            }
        }

        let subUID = FileSystem.read("/etc/subuid").flatMap { SubordinateIDs.range(in: $0, user: passwd?.name, id: uid) }
        let subGID = FileSystem.read("/etc/subgid").flatMap { SubordinateIDs.range(in: $0, user: passwd?.name, id: uid) }
        func helper(_ name: String) -> String? {
            ["/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"].map { $0 + name }.first(where: FileSystem.isExecutable)
        }

        let mounts = MountTable.current()
        var facts = HostFacts(
            uid: uid, gid: gid, home: home, cwd: cwd, environment: env,
            hostname: ProcessEnvironment.hostname(),
            rootEntries: entries,
            mountPoints: mounts.mountPoints,
            subordinateUIDs: subUID, subordinateGIDs: subGID,
            newuidmap: helper("newuidmap"), newgidmap: helper("newgidmap"),
            dataDir: DataPaths.data(root: dataRoot, environment: env, home: home, mounts: { mounts }),
            runtimeDir: DataPaths.runtime(environment: env, uid: uid),
            resolvConf: FileSystem.realPath("/etc/resolv.conf"))
        facts.passwdHome = passwd?.home
        if dataRoot == nil, facts.dataDir == NetworkStore.localStore(uid: uid) { noteRelocatedOnce(facts.dataDir, home: home) }
        // Read only when the helpers would be used. (prctl is variadic, so
        // Swift cannot call it; /proc/self/status says the same.)
        if uid != 0, subUID != nil, subGID != nil, facts.newuidmap != nil, facts.newgidmap != nil {
            facts.noNewPrivileges = FileSystem.readBytes("/proc/self/status").map { ASCII.contains($0, "\nNoNewPrivs:\t1") } ?? false
        }
        return facts
    }

    /// Said once, when the default store first moves off a network filesystem.
    static func noteRelocatedOnce(_ store: String, home: String) {
        let marker = store + "/.moved-off-network-filesystem"
        guard !FileSystem.exists(marker), FileSystem.makeDirectories(store, mode: 0o700) else { return }
        let text = "devbox: note: your data directory under \(home) is on a network filesystem, where overlay layers are refused or unreliable; "
            + "devbox keeps its store in \(store) instead (--root DIR chooses another; DEVBOX_ALLOW_NETWORK_STORE=1 keeps it where it was)\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        _ = FileSystem.writeAtomically(marker, contents: "see docs/STORAGE.md\n", mode: 0o600)
    }
}
