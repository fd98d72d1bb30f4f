import OCI
import Platform
import Project
import Testing

/// A host described by values, so planning can be tested without a machine.
func fakeHost(uid: UInt32 = 1000, subordinate: Bool = true, skeleton: String? = nil) -> HostFacts {
    var host = HostFacts(
        uid: uid, gid: uid, home: uid == 0 ? "/root" : "/home/ada", cwd: "/home/ada/src/app/lib",
        environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8", "SECRET": "x", "LC_ALL": "C"],
        hostname: "workstation",
        rootEntries: [
            .init(name: "usr", kind: .directory), .init(name: "etc", kind: .directory),
            .init(name: "bin", kind: .symlink(target: "usr/bin")), .init(name: "home", kind: .directory),
            .init(name: "mnt", kind: .directory), .init(name: "proc", kind: .directory),
            .init(name: ".dockerenv", kind: .file), .init(name: "var", kind: .directory),
        ],
        mountPoints: ["/", "/proc", "/mnt/disk", "/home"],
        dataDir: uid == 0 ? "/root/.local/share/devbox" : "/home/ada/.local/share/devbox",
        runtimeDir: "/run/user/\(uid)/devbox",
        resolvConf: "/run/systemd/resolve/stub-resolv.conf")
    if subordinate {
        host.subordinateUIDs = .init(start: 100_000, count: 65536)
        host.subordinateGIDs = .init(start: 100_000, count: 65536)
        host.newuidmap = "/usr/bin/newuidmap"
        host.newgidmap = "/usr/bin/newgidmap"
    }
    host.hostSkeleton = skeleton
    return host
}

func plan(_ configure: (inout RunOptions) -> Void = { _ in }, host: HostFacts = fakeHost()) throws -> RunPlan {
    var options = RunOptions()
    options.command = ["make", "test"]
    configure(&options)
    return try RunPlanner.plan(options, project: Project(root: "/home/ada/src/app"), host: host, runID: "42")
}

@Suite("planning a run")
struct PlanningTests {
    @Test("project ids are stable, readable and differ by path")
    func projectIDs() {
        let a = Project(root: "/home/ada/src/app"), b = Project(root: "/home/bob/src/app")
        #expect(a.id == Project(root: "/home/ada/src/app").id)
        #expect(a.id.hasPrefix("app-") && a.id != b.id)
    }

    @Test("the project is bound read-write at its own path and is the working directory's home")
    func projectMount() throws {
        let spec = try plan().spec
        let mount = try #require(spec.mounts.first { $0.destination == "/home/ada/src/app" })
        #expect(mount.source == "/home/ada/src/app" && mount.hasOption("rw"))
        #expect(spec.process.cwd == "/home/ada/src/app/lib")
        #expect(spec.process.args == ["make", "test"])
    }

    @Test("host directories get overlays; nested mounts, files and symlinks are handled; private paths are not taken")
    func hostRoot() throws {
        let mounts = try plan().spec.mounts
        func mount(_ path: String) -> RuntimeSpec.Mount? { mounts.first { $0.destination == path } }
        #expect(mount("/usr")?.type == "overlay" && mount("/usr")?.option("lowerdir") == "/usr")
        #expect(mount("/mnt")?.type == "bind" && mount("/mnt")?.hasOption("ro") == true, "/mnt has a mount below it")
        #expect(mount("/bin")?.type == "symlink" && mount("/bin")?.source == "usr/bin")
        #expect(mount("/.dockerenv")?.hasOption("ro") == true)
        #expect(mount("/proc")?.type == "proc")
        #expect(mount("/tmp")?.type == "directory" && mount("/tmp")?.options == ["mode=01777"], "the root is a tmpfs of the run's own")
        #expect(mount("/run")?.type == "directory" && mount("/run")?.options == ["mode=0755"])
        #expect(!mounts.contains { $0.destination == "/home" }, "other users' homes are not bound")
        #expect(mount("/home/ada")?.source == "/home/ada/.local/share/devbox/containers/\(Project(root: "/home/ada/src/app").id)/home")
        #expect(mount("/etc/resolv.conf")?.source == "/run/systemd/resolve/stub-resolv.conf")
    }

    @Test("rootless, the directory skeleton is the top lower layer")
    func skeletonLayer() throws {
        let spec = try plan(host: fakeHost(skeleton: "/data/hostroot/v1-1")).spec
        #expect(spec.mounts.first { $0.destination == "/usr" }?.option("lowerdir") == "/data/hostroot/v1-1/usr:/usr")
    }

    @Test("a host directory holding devbox's store is not overlaid")
    func storeInsideOverlaidDirectory() {
        let mounts = HostRootLayout.mounts(entries: [.init(name: "srv", kind: .directory)], mountPoints: [],
                                           dataDir: "/srv/devbox", skeleton: nil)
        #expect(mounts.first?.type == "bind")
    }

    @Test("a top-level directory with a mount below it is bound read-only, however the mount point is spelled")
    func nestedMountPoints() {
        let entries: [HostFacts.RootEntry] = ["mnt", "srv", "opt", "usr", "data"].map { .init(name: $0, kind: .directory) }
        let mounts = HostRootLayout.mounts(entries: entries, mountPoints: ["/", "/mnt/disk", "/srv//", "//opt//x", "/usr"],
                                           dataDir: "/data/ann/devbox", skeleton: nil)
        let types = Dictionary(uniqueKeysWithValues: mounts.map { ($0.destination, $0.type) })
        #expect(types == ["/mnt": "bind", "/srv": "overlay", "/opt": "bind", "/usr": "overlay", "/data": "bind"])
    }

    @Test("--rm uses tmpfs layers; a persistent run names its layer and work dirs")
    func layers() throws {
        let persistent = try plan()
        let usr = try #require(persistent.spec.mounts.first { $0.destination == "/usr" && $0.type == "overlay" })
        #expect(usr.option("upperdir")?.hasSuffix("/upper/usr") == true)
        #expect(usr.option("workdir")?.hasSuffix("/work/42/usr") == true)
        #expect(persistent.runWorkDir?.hasSuffix("/work/42") == true)
        let throwaway = try plan { $0.remove = true }
        #expect(throwaway.spec.mounts.filter { $0.type == "overlay" }.allSatisfy { $0.option("upperdir") == nil })
        #expect(throwaway.container == nil && throwaway.runWorkDir == nil)
        #expect(throwaway.spec.mounts.first { $0.destination == "/home/ada" }?.type == "directory")
        #expect(throwaway.spec.mounts.first { $0.destination == "/home/ada" }?.options == ["mode=0700", "uid=0", "gid=0"], "the user is root inside by default")
    }

    @Test("a read-only root keeps /tmp a mount of its own (writable); a home outside /home and /root stays a tmpfs")
    func directoriesNeedAWritableRoot() throws {
        let readOnly = try plan { $0.remove = true; $0.readOnly = true }.spec.mounts
        #expect(readOnly.first { $0.destination == "/tmp" }?.type == "tmpfs")
        #expect(readOnly.first { $0.destination == "/run" }?.type == "tmpfs")
        var host = fakeHost()
        host.home = "/var/lib/ada"
        let system = try plan({ $0.remove = true }, host: host).spec.mounts
        #expect(system.first { $0.destination == "/var/lib/ada" }?.type == "tmpfs", "a directory there would show the host's files")
    }

    @Test("a --rm layer in memory makes an empty host directory a directory of the root with the mode and owner its overlay would show")
    func emptyDirectoriesAsDirectories() throws {
        var host = fakeHost(skeleton: "/data/hostroot/v1-1")
        host.rootEntries += [.init(name: "srv", kind: .directory, emptyDirectory: .init(mode: 0o1750)),
                             .init(name: "media", kind: .directory, emptyDirectory: .init(mode: 0o555))]
        func mount(_ plan: RunPlan, _ path: String) -> RuntimeSpec.Mount? { plan.spec.mounts.first { $0.destination == path } }
        // Rootless: the skeleton's mode (the host's, owner rwx added) and the user as owner.
        let throwaway = try plan({ $0.remove = true }, host: host)
        #expect(mount(throwaway, "/srv")?.type == "directory")
        #expect(mount(throwaway, "/srv")?.options == ["mode=01750", "uid=0", "gid=0"])
        #expect(mount(throwaway, "/media")?.options == ["mode=0755", "uid=0", "gid=0"])
        #expect(mount(throwaway, "/usr")?.type == "overlay", "a directory with content keeps its overlay")
        let keepID = try plan({ $0.remove = true; $0.userns = .keepID(uid: nil, gid: nil) }, host: host)
        #expect(mount(keepID, "/media")?.options == ["mode=0755", "uid=1000", "gid=1000"])
        // The FUSE driver's --rm layer is in memory too (its daemon's tmpfs).
        #expect(mount(try plan({ $0.remove = true; $0.storageDriver = .fuse }, host: host), "/srv")?.type == "directory")
        // A kept layer, or one on disk: the overlay stays.
        #expect(mount(try plan(host: host), "/srv")?.type == "overlay")
        var onDisk = host
        onDisk.tmpfsHoldsLayers = false
        #expect(mount(try plan({ $0.remove = true }, host: onDisk), "/srv")?.type == "overlay")
        #expect(mount(try plan({ $0.remove = true; $0.storageDriver = .fuse }, host: onDisk), "/srv")?.type == "overlay")
        // As root there is no skeleton: the host's own mode.
        var root = fakeHost(uid: 0)
        root.rootEntries.append(.init(name: "media", kind: .directory, emptyDirectory: .init(mode: 0o555)))
        #expect(mount(try plan({ $0.remove = true }, host: root), "/media")?.options == ["mode=0555", "uid=0", "gid=0"])
    }

    @Test("namespaces: user, mount, pid, uts, ipc always; network only with --network none")
    func namespaces() throws {
        #expect(try plan().spec.linux.namespaces.map(\.type) == [.user, .mount, .pid, .uts, .ipc])
        #expect(try plan { $0.network = .none; $0.networkGiven = true }.spec.linux.namespaces.map(\.type).contains(.network))
    }

    @Test("the environment is small and predictable")
    func environment() throws {
        let env = try plan { $0.environment = ["A=1", "PATH=/opt/bin", "SECRET"] }.spec.process.env
        #expect(env.contains("PATH=/opt/bin") && env.contains("HOME=/home/ada") && env.contains("container=devbox"))
        #expect(env.contains("TERM=xterm-256color") && env.contains("LANG=C.UTF-8") && env.contains("LC_ALL=C"))
        #expect(env.contains("HOSTNAME=workstation") && env.contains("A=1"))
        #expect(env.contains("SECRET=x"), "-e KEY passes the host's value")
        #expect(try !plan().spec.process.env.contains { $0.hasPrefix("SECRET=") }, "nothing else leaks from the host")
    }

    @Test("volumes parse SRC:DST[:ro]", arguments: [
        ("/a:/b", "/a", "/b", false), ("/a:/b:ro", "/a", "/b", true), ("rel:/b:rw", "rel", "/b", false),
    ])
    func volumeParsing(text: String, source: String, destination: String, readOnly: Bool) throws {
        let volume = try RunOptions.Volume.parse(text)
        #expect(volume == .init(source: source, destination: destination, readOnly: readOnly))
    }

    @Test("bad volumes are refused with a message naming them", arguments: ["/a", "/a:b", "/a:/b:rx", ":/b"])
    func badVolumes(text: String) {
        #expect(throws: PlanError.self) { try RunOptions.Volume.parse(text) }
    }

    @Test("bad input is refused before anything runs")
    func badInput() {
        #expect(throws: PlanError.emptyCommand) { try plan { $0.command = [] } }
        #expect(throws: PlanError.badHostname("no spaces")) { try plan { $0.hostname = "no spaces" } }
        #expect(throws: PlanError.relativeWorkdir("rel")) { try plan { $0.workdir = "rel" } }
    }
}

@Suite("identity")
struct IdentityTests {
    @Test("rootless with a subordinate range: the user is root, the range fills the rest")
    func defaultMapping() {
        let id = IdentityPlanner.plan(mode: .root, host: fakeHost())
        #expect(id.uid == 0 && id.needsHelpers)
        #expect(id.uidMappings == [.init(containerID: 0, hostID: 1000, size: 1), .init(containerID: 1, hostID: 100_000, size: 65536)])
    }

    @Test("keep-id keeps the uid and maps the range around it")
    func keepID() {
        let id = IdentityPlanner.plan(mode: .keepID, host: fakeHost())
        #expect(id.uid == 1000)
        #expect(id.uidMappings == [
            .init(containerID: 0, hostID: 100_000, size: 1000),
            .init(containerID: 1000, hostID: 1000, size: 1),
            .init(containerID: 1001, hostID: 101_000, size: 64536),
        ])
    }

    @Test("without a range, one id is mapped and a note says why")
    func singleID() {
        let id = IdentityPlanner.plan(mode: .root, host: fakeHost(subordinate: false))
        #expect(id.uidMappings == [.init(containerID: 0, hostID: 1000, size: 1)] && !id.needsHelpers)
        #expect(id.notes.first?.contains("/etc/subuid") == true)
    }

    @Test("under no_new_privs the setuid helpers cannot work: one id, and a note says why")
    func noNewPrivileges() {
        var host = fakeHost()
        host.noNewPrivileges = true
        let id = IdentityPlanner.plan(mode: .keepID, host: host)
        #expect(id.uidMappings == [.init(containerID: 1000, hostID: 1000, size: 1)] && !id.needsHelpers)
        #expect(id.notes.first?.contains("no_new_privs") == true)
    }

    @Test("real root maps the whole id space to itself, without helpers")
    func root() {
        let id = IdentityPlanner.plan(mode: .root, host: fakeHost(uid: 0))
        #expect(id.uidMappings == [.init(containerID: 0, hostID: 0, size: UInt32.max)] && !id.needsHelpers)
    }

    @Test("/etc/subuid lines", arguments: [
        ("ada:100000:65536\n", "ada", UInt32(1000), IDRange(start: 100_000, count: 65536) as IDRange?),
        ("bob:1:2\n1000:200000:10\n", "ada", 1000, IDRange(start: 200_000, count: 10)),
        ("# ada:1:1\nada:5:0\n", "ada", 1000, nil),
    ])
    func subordinateIDs(text: String, user: String, id: UInt32, expected: IDRange?) {
        #expect(SubordinateIDs.range(in: text, user: user, id: id) == expected)
    }

    @Test("mountinfo mount points, with the kernel's octal escapes")
    func mountInfo() {
        let text = "27 1 254:0 / / rw - ext4 /dev/vda rw\n28 27 0:25 / /mnt/with\\040space ro - tmpfs x ro\n"
        #expect(MountInfo.mountPoints(in: text) == ["/", "/mnt/with space"])
    }
}
