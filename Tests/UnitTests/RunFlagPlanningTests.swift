import OCI
import Project
import Runtime
import Testing

@Suite("run's podman flags: values and planning")
struct RunFlagPlanningTests {
    @Test("-v: a path source binds, a bare name is a volume, /dst alone an anonymous volume", arguments: [
        ("/a:/b", RunFlagValues.MountRequest.bind(.init(source: "/a", destination: "/b", readOnly: false))),
        ("./a:/b:ro", .bind(.init(source: "./a", destination: "/b", readOnly: true))),
        ("cache:/root/.cache", .volume(name: "cache", destination: "/root/.cache", readOnly: false)),
        ("v1.x_y-z:/d:ro", .volume(name: "v1.x_y-z", destination: "/d", readOnly: true)),
        ("/data", .volume(name: nil, destination: "/data", readOnly: false)),
    ])
    func volumes(text: String, expected: RunFlagValues.MountRequest) throws {
        #expect(try RunFlagValues.volume(text) == expected)
    }

    @Test("bad volume names and specs are refused", arguments: ["-x:/d", "a b:/d", "data", "/a:rel", "a:/b:rx"])
    func badVolumes(text: String) {
        #expect(throws: PlanError.self) { try RunFlagValues.volume(text) }
    }

    @Test("--mount takes podman's spellings")
    func mounts() throws {
        #expect(try RunFlagValues.mount("type=bind,source=/a,target=/b,readonly")
            == .bind(.init(source: "/a", destination: "/b", readOnly: true)))
        #expect(try RunFlagValues.mount("type=volume,src=v,dst=/c,ro=false") == .volume(name: "v", destination: "/c", readOnly: false))
        #expect(try RunFlagValues.mount("type=volume,destination=/c") == .volume(name: nil, destination: "/c", readOnly: false))
        #expect(try RunFlagValues.mount("type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1777")
            == .tmpfs(.init(destination: "/t", options: ["size=1048576", "mode=1777"])))
        for bad in ["type=bind,dst=/b", "type=nfs,dst=/b", "type=tmpfs", "type=tmpfs,dst=/t,color=red", "type=tmpfs,dst=/t,tmpfs-size=big"] {
            #expect(throws: PlanError.self) { try RunFlagValues.mount(bad) }
        }
    }

    @Test("--tmpfs is nosuid,nodev,noexec unless told otherwise")
    func tmpfs() throws {
        #expect(try RunFlagValues.tmpfs("/x") == .init(destination: "/x", options: ["nosuid", "nodev", "noexec"]))
        #expect(try RunFlagValues.tmpfs("/x:exec,size=2k,ro") == .init(destination: "/x", options: ["nosuid", "nodev", "size=2048", "ro"]))
        #expect(throws: PlanError.self) { try RunFlagValues.tmpfs("/x:bogus") }
        #expect(throws: PlanError.self) { try RunFlagValues.tmpfs("x") }
    }

    @Test("--device, --add-host, --dns, --ulimit, sizes, --userns")
    func scalars() throws {
        #expect(try RunFlagValues.device("/dev/fuse") == .init(source: "/dev/fuse", destination: "/dev/fuse", readOnly: false))
        #expect(try RunFlagValues.device("/dev/a:/dev/b:r") == .init(source: "/dev/a", destination: "/dev/b", readOnly: true))
        #expect(try RunFlagValues.device("/dev/a:rw") == .init(source: "/dev/a", destination: "/dev/a", readOnly: false))
        #expect(throws: PlanError.self) { try RunFlagValues.device("/dev/a:/b:x") }
        #expect(try RunFlagValues.hostsLine("db:10.0.0.2") == "10.0.0.2\tdb")
        #expect(try RunFlagValues.hostsLine("v6:::1") == "::1\tv6")
        #expect(throws: PlanError.self) { try RunFlagValues.hostsLine("db") }
        #expect(throws: PlanError.self) { try RunFlagValues.nameServer("1.1.1.1\nnameserver 6.6.6.6") }
        #expect(try RunFlagValues.ulimit("nofile=10:20") == .init(type: "RLIMIT_NOFILE", hard: 20, soft: 10))
        #expect(try RunFlagValues.ulimit("core=-1") == .init(type: "RLIMIT_CORE", hard: .max, soft: .max))
        for bad in ["nofile=20:10", "bogus=1", "nofile", "nofile=x"] {
            #expect(throws: PlanError.self) { try RunFlagValues.ulimit(bad) }
        }
        #expect(RunFlagValues.size("64m") == 64 << 20 && RunFlagValues.size("1g") == 1 << 30 && RunFlagValues.size("10") == 10)
        #expect(RunFlagValues.size("lots") == nil)
        #expect(try RunFlagValues.userns("keep-id:uid=5,gid=6") == .keepID(uid: 5, gid: 6))
        #expect(try RunFlagValues.userns("keep-id") == .keepID && RunFlagValues.userns(nil) == .root)
        #expect(throws: PlanError.self) { try RunFlagValues.userns("keep-id:uid=x") }
        #expect(RunFlagValues.entrypoint("") == [] && RunFlagValues.entrypoint("/bin/sh") == ["/bin/sh"])
        #expect(RunFlagValues.entrypoint("[\"sh\",\"-c\"]") == ["sh", "-c"])
    }

    @Test("-u resolves names in the host's files; an unknown one is an error naming them")
    func hostUser() throws {
        let spec = try plan {
            $0.user = "ada:staff"
            $0.hostPasswd = "root:x:0:0::/root:/bin/sh\nada:x:1000:1000::/home/ada:/bin/sh\n"
            $0.hostGroup = "staff:x:50:\n"
            $0.groupAdd = ["staff", "7"]
        }.spec
        #expect(spec.process.user == .init(uid: 1000, gid: 50, additionalGids: [50, 7]))
        #expect(throws: PlanError.unknownUser("nobody", where: "the host's /etc/passwd and /etc/group")) {
            try plan { $0.user = "nobody"; $0.hostPasswd = "" }
        }
    }

    @Test("keep-id:uid=U,gid=G maps the caller onto U/G with the subordinate range around it")
    func keepIDAt() {
        let id = IdentityPlanner.plan(mode: .keepID(uid: 2000, gid: 3000), host: fakeHost())
        #expect(id.uid == 2000 && id.gid == 3000)
        #expect(id.uidMappings.contains(.init(containerID: 2000, hostID: 1000, size: 1)))
        #expect(id.gidMappings.contains(.init(containerID: 3000, hostID: 1000, size: 1)))
    }

    @Test("tmpfs, devices, /dev/shm size, ulimits, resolv.conf and hosts lines reach the spec")
    func spec() throws {
        let spec = try plan {
            $0.tmpfs = [.init(destination: "/x", options: ["nosuid", "nodev", "noexec"])]
            $0.devices = [.init(source: "/dev/fuse", destination: "/dev/fuse", readOnly: false)]
            $0.shmSize = 1 << 20
            $0.ulimits = [.init(type: "RLIMIT_NOFILE", hard: 20, soft: 10)]
            $0.dnsServers = ["9.9.9.9"]
            $0.extraHosts = ["10.0.0.2\tdb"]
            $0.envHost = true
            $0.entrypoint = ["/bin/echo"]
        }.spec
        let tmpfs = try #require(spec.mounts.first { $0.destination == "/x" })
        #expect(tmpfs.type == "tmpfs" && tmpfs.options == ["nosuid", "nodev", "noexec", "rw"])
        #expect(spec.mounts.first { $0.destination == "/dev/fuse" }?.options == ["rbind", "rw"])
        #expect(spec.mounts.first { $0.destination == "/dev/shm" }?.option("size") == "1048576")
        #expect(spec.mounts.first { $0.destination == "/dev/shm" }?.hasOption("noexec") == true)
        #expect(spec.process.rlimits?.filter { $0.type == "RLIMIT_NOFILE" } == [.init(type: "RLIMIT_NOFILE", hard: 20, soft: 10)])
        #expect(spec.annotations?[DevboxAnnotation.resolvConf] == "nameserver 9.9.9.9\n")
        #expect(spec.annotations?[DevboxAnnotation.extraHosts] == "10.0.0.2\tdb\n")
        #expect(spec.process.env.contains("SECRET=x"), "--env-host passes every host variable")
        #expect(spec.process.args == ["/bin/echo", "make", "test"])
    }

    @Test("without --env-host the host's other variables stay out")
    func noEnvHost() throws {
        #expect(try !plan().spec.process.env.contains("SECRET=x"))
    }

    @Test("--dns: the resolv.conf step writes the generated file instead of binding the host's")
    func resolvStep() throws {
        let spec = try plan { $0.dnsServers = ["9.9.9.9"] }.spec
        let steps = SetupCompiler.compile(spec)
        #expect(steps.contains { $0.kind == .writeFile && $0.data == "nameserver 9.9.9.9\n" })
        #expect(steps.contains { $0.kind == .bind && $0.source == "/scratch/files/resolv.conf" && $0.destination == "/newroot/etc/resolv.conf" })
    }

    @Test("--add-host lines go after the host's entries")
    func hostsFile() {
        let text = SetupCompiler.hostsFile(hostContents: "127.0.0.1\tlocalhost\n", hostname: "box", extra: "10.0.0.2\tdb\n")
        #expect(text == "127.0.0.1\tlocalhost\n127.0.1.1\tbox\n10.0.0.2\tdb\n")
    }
}
