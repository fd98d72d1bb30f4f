import Foundation
import OCI
import Project
import Runtime
import Testing

@Suite("the mount loop compiled from a spec")
struct SetupCompilerTests {
    @Test("host paths are read through /oldroot, container paths built under /newroot")
    func prefixes() throws {
        let steps = SetupCompiler.compile(try plan().spec)
        let project = try #require(steps.first { $0.destination == "/newroot/home/ada/src/app" })
        #expect(project.kind == .bind && project.source == "/oldroot/home/ada/src/app" && !project.readOnly)
        #expect(steps.first?.kind == .tmpfs && steps.first?.destination == "/newroot", "the root is a fresh tmpfs")
    }

    @Test("a directory mount is one step with the exact mode and the owner; a read-only root does not remount it")
    func directories() throws {
        let steps = SetupCompiler.compile(try plan { $0.remove = true }.spec)
        let tmp = try #require(steps.first { $0.destination == "/newroot/tmp" })
        #expect(tmp.kind == .directory && tmp.mode == 0o1777 && tmp.data == nil)
        let home = try #require(steps.first { $0.destination == "/newroot/home/ada" })
        #expect(home.kind == .directory && home.mode == 0o700 && home.data == "0:0")
        var spec = try plan { $0.remove = true }.spec
        spec.mounts.append(DirectoryMount.mount("/x", mode: 0o2750, uid: 7, gid: 8))
        spec.mounts.append(.init(destination: "/y", type: "directory", source: "none", options: ["mode=bad", "uid=3"]))
        spec.annotations?[DevboxAnnotation.readOnlyRoot] = "true"
        let compiled = SetupCompiler.compile(spec)
        #expect(compiled.contains { $0.kind == .directory && $0.destination == "/newroot/x" && $0.mode == 0o2750 && $0.data == "7:8" })
        #expect(compiled.contains { $0.kind == .directory && $0.destination == "/newroot/y" && $0.mode == 0o755 && $0.data == nil },
                "a bad mode falls back to 0755; a uid without gid changes no owner")
        #expect(!compiled.contains { $0.kind == .readOnly && ["/newroot/x", "/newroot/home/ada"].contains($0.destination) },
                "not a mount: the root's remount covers it")
    }

    @Test("whole top-level subtrees (the host image's overlays, /dev) go to the command's process once the root is mounted; PID 1 waits before its first step into one")
    func offload() throws {
        let steps = SetupCompiler.compile(try plan { $0.remove = true }.spec, hostsFile: "127.0.0.1 localhost\n")
        let split = Launcher.offload(steps)
        let taken = Set(split.steps)
        #expect(split.subtrees > 0 && split.startAfter == 0 && steps[0].destination == "/newroot", "after the root's tmpfs")
        // Each subtree whole: its head, everything below it, an overlay's two mkdirs.
        for head in split.steps where steps[head].destination.split(separator: "/").count == 2 && [.overlay, .tmpfs].contains(steps[head].kind) {
            let name = steps[head].destination
            let below = steps.indices.filter { steps[$0].destination.hasPrefix(name + "/") }
            #expect(below.allSatisfy { taken.contains($0) } || below.allSatisfy { !taken.contains($0) && $0 >= (split.waitBefore ?? steps.count) },
                    "\(name): whole, or its mount alone with PID 1 waiting before the rest")
            if steps[head].kind == .overlay { #expect(taken.contains(head - 1) && taken.contains(head - 2) && steps[head - 1].kind == .mkdir) }
        }
        #expect(!split.steps.contains { [.proc, .sysfs, .mask, .readOnlyPath].contains(steps[$0].kind) }, "PID 1's and the policy's own")
        #expect(split.steps.contains { steps[$0].destination == "/newroot/etc" }, "/etc's overlay")
        #expect(!split.steps.contains { steps[$0].destination.hasPrefix("/newroot/etc/") }, "the binds of generated files into /etc stay PID 1's")
        if let wait = split.waitBefore {
            #expect(!taken.contains(wait))
            let heads = split.steps.map { steps[$0].destination }.filter { $0.split(separator: "/").count == 2 }
            #expect(heads.contains { steps[wait].destination.hasPrefix($0 + "/") }, "the first step into one: \(steps[wait])")
        }
        // A step into /usr before /usr's overlay keeps that overlay with PID 1.
        var early = steps
        early.insert(.init(.mkdir, destination: "/newroot/usr/early", mode: 0o755), at: 1)
        #expect(!Launcher.offload(early).steps.contains { early[$0].kind == .overlay && early[$0].destination == "/newroot/usr" })
        // A step of a subtree that reads from inside the root: not taken.
        var reads = steps
        let devIndex = try #require(reads.firstIndex { $0.destination == "/newroot/dev/null" })
        reads[devIndex].source = "/newroot/etc/x"
        let readsSplit = Launcher.offload(reads)
        #expect(!readsSplit.steps.contains(devIndex) && (readsSplit.waitBefore ?? reads.count) <= devIndex)
        // An image: its root overlay stays PID 1's; /dev may go.
        let image = SetupCompiler.compile(try plan { $0.remove = true; $0.image = testImage() }.spec)
        let imagePlan = Launcher.offload(image)
        #expect(!imagePlan.steps.contains { image[$0].destination == "/newroot" })
        #expect(imagePlan.steps.contains { image[$0].destination == "/newroot/dev" })
        #expect(!imagePlan.steps.contains { image[$0].destination.hasPrefix("/newroot/etc") }, "binds of generated files")
        // Overlays deeper than the top level (volumes, --mount) stay in order.
        let deep = [SetupStep(.tmpfs, destination: "/newroot"), SetupStep(.overlay, destination: "/newroot/a/b", data: "lowerdir=/oldroot/l"),
                    SetupStep(.proc, destination: "/newroot/proc")]
        #expect(Launcher.offload(deep).subtrees == 0)
    }

    @Test("each overlay gets its own upper and work directory")
    func overlays() throws {
        let steps = SetupCompiler.compile(try plan().spec)
        let usr = try #require(steps.first { $0.kind == .overlay && $0.destination == "/newroot/usr" })
        let data = try #require(usr.data)
        #expect(data.contains("lowerdir=/oldroot/usr,"))
        #expect(data.contains("upperdir=/oldroot/home/ada/.local/share/devbox/containers/"))
        #expect(data.contains("/work/42/usr,userxattr"))
        let throwaway = SetupCompiler.compile(try plan { $0.remove = true }.spec)
        #expect(throwaway.contains { $0.kind == .overlay && $0.data?.contains("upperdir=/scratch/upper/usr") == true })
    }

    @Test("mounts are executed in the spec's order, with generated hostname and hosts last-bound")
    func order() throws {
        let steps = SetupCompiler.compile(try plan().spec, hostsFile: "127.0.0.1 localhost\n")
        let targets = steps.map(\.destination)
        let proc = try #require(targets.firstIndex(of: "/newroot/proc"))
        let project = try #require(targets.firstIndex(of: "/newroot/home/ada/src/app"))
        let home = try #require(targets.firstIndex(of: "/newroot/home/ada"))
        #expect(proc < home && home < project, "the home is bound before the project inside it")
        #expect(steps.contains { $0.kind == .writeFile && $0.destination == "/scratch/files/hostname" })
        #expect(steps.contains { $0.kind == .bind && $0.source == "/scratch/files/hosts" && $0.destination == "/newroot/etc/hosts" })
    }

    @Test("/etc/hosts gains the hostname only when it does not resolve it already", arguments: [
        ("127.0.0.1 localhost\n", "box", "127.0.0.1 localhost\n127.0.1.1\tbox\n"),
        ("127.0.0.1 localhost box\n", "box", "127.0.0.1 localhost box\n"),
        ("127.0.0.1 localhost", "box", "127.0.0.1 localhost\n127.0.1.1\tbox\n"),
    ])
    func hosts(contents: String, hostname: String, expected: String) {
        #expect(SetupCompiler.hostsFile(hostContents: contents, hostname: hostname) == expected)
    }

    @Test("capability names resolve with or without the CAP_ prefix, and unknown ones are refused")
    func capabilities() throws {
        #expect(try CapabilitySet.mask(["CAP_CHOWN", "net_bind_service"]) == (1 << 0) | (1 << 10))
        #expect(throws: CapabilityError.unknown("CAP_FLY")) { try CapabilitySet.mask(["CAP_FLY"]) }
    }

    @Test("id maps render for the kernel and for newuidmap")
    func idMaps() {
        let maps: [RuntimeSpec.IDMapping] = [.init(containerID: 0, hostID: 1000, size: 1), .init(containerID: 1, hostID: 100_000, size: 65536)]
        #expect(IDMapText.procFile(maps) == "0 1000 1\n1 100000 65536\n")
        #expect(IDMapText.helperArguments(maps) == ["0", "1000", "1", "1", "100000", "65536"])
    }

    @Test("the profile's masks may start once /proc and /sys are mounted, and never ahead of a step that touches them")
    func policyStart() throws {
        let steps = SetupCompiler.compile(try plan().spec)
        let sys = try #require(steps.firstIndex { $0.destination == "/newroot/sys" })
        #expect(steps.contains { $0.kind == .mask } && steps.contains { $0.kind == .readOnlyPath })
        #expect(Launcher.policyStart(steps) == sys)
        let later = steps + [SetupStep(.bind, source: "/oldroot/tmp/x", destination: "/newroot/proc/sys/kernel/x")]
        #expect(Launcher.policyStart(later) == nil, "a step after the masks that touches their paths keeps the order")
        #expect(Launcher.policyStart(steps.filter { $0.kind != .mask && $0.kind != .readOnlyPath }) == nil)
        let outside = steps + [SetupStep(.mask, destination: "/newroot/etc/shadow")]
        #expect(Launcher.policyStart(outside) == nil, "outside /proc and /sys a symlink could join paths the text keeps apart")
    }
}

@Suite("starting the command before the mounts")
struct EarlyStartTests {
    @Test("only filters that allow by default and leave read, close, chdir and exec alone")
    func earlyStartNeedsThePathToExec() {
        #expect(SeccompCompiler.allowsEarlyStart(nil))
        let denyList = LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [.init(names: ["mount", "keyctl"], action: "SCMP_ACT_ERRNO")])
        #expect(SeccompCompiler.allowsEarlyStart(denyList))
        let deniesChdir = LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [.init(names: ["chdir"], action: "SCMP_ACT_ERRNO")])
        #expect(!SeccompCompiler.allowsEarlyStart(deniesChdir))
        let allowList = LinuxSeccomp(defaultAction: "SCMP_ACT_ERRNO", syscalls: [.init(names: ["read", "execve"], action: "SCMP_ACT_ALLOW")])
        #expect(!SeccompCompiler.allowsEarlyStart(allowList))
    }
}
