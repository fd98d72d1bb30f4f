import Foundation
import Testing

@Suite("run's podman flags against the real kernel")
struct RunFlagTests {
    @Test("-u runs as a user of the host's /etc/passwd, by name or number; an unknown name is a usage error", arguments: Runner.all)
    func user(runner: Runner) throws {
        let s = try Scratch(runner)
        let named = try s.devbox(["run", "--rm", "-u", "nobody", "--", "sh", "-c", "id -un; id -u"])
        #expect(named.status == 0 && named.out == "nobody\n65534\n", "\(named.stderr)")
        let numeric = try s.devbox(["run", "--rm", "--user", "123:456", "--", "sh", "-c", "id -u; id -g"])
        #expect(numeric.out == "123\n456\n", "\(numeric.stderr)")
        let unknown = try s.devbox(["run", "--rm", "-u", "no-such-user", "--", "true"])
        #expect(unknown.status == 125 && unknown.stderr.contains("'no-such-user' is not in the host's /etc/passwd"), "\(unknown.stderr)")
    }

    @Test("-u and --entrypoint on an image: names from the image's passwd; the entrypoint replaced or cleared", arguments: Runner.all)
    func imageUserAndEntrypoint(runner: Runner) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "flags:1", in: s)])
        let ada = try s.devbox(["run", "--rm", "-u", "ada", "flags:1", "--", "/bin/sh", "-c", "id -u; id -g; echo $HOME"])
        #expect(ada.out == "1000\n1000\n/home/ada\n", "\(ada.stderr)")
        let missing = try s.devbox(["run", "--rm", "-u", "bob", "flags:1", "--", "true"])
        #expect(missing.status == 125 && missing.stderr.contains("'bob' is not in the image's /etc/passwd"), "\(missing.stderr)")
        let echo = try s.devbox(["run", "--rm", "--entrypoint", "/bin/echo", "flags:1", "--", "replaced"])
        #expect(echo.out == "replaced\n", "\(echo.stderr)")
        let json = try s.devbox(["run", "--rm", "--entrypoint", "[\"/bin/sh\",\"-c\"]", "flags:1", "--", "echo json"])
        #expect(json.out == "json\n", "\(json.stderr)")
        let cleared = try s.devbox(["run", "--rm", "--entrypoint", "", "flags:1"])
        #expect(cleared.status == 125 && cleared.stderr.contains("no Entrypoint or Cmd"), "\(cleared.stderr)")
    }

    @Test("--pull=never with an image the store lacks fails and names the fix", arguments: Runner.all)
    func pullNever(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--pull=never", "registry.invalid/absent:1", "--", "true"])
        #expect(r.status == 125 && r.stderr.contains("--pull=never") && r.stderr.contains("devbox pull"), "\(r.stderr)")
    }

    @Test("--pull=newer runs the stored image, with a warning, when the registry cannot be asked; always fails", arguments: Runner.all)
    func pullNewerOffline(runner: Runner) throws {
        let s = try Scratch(runner)
        // Port 9 on loopback: nothing listens, the connection is refused at once.
        let name = "127.0.0.1:9/devbox-newer:1"
        #expect(try s.devbox(["load", "-i", try fixture("layout", "newer:1", in: s), name]).status == 0)
        let newer = try s.devbox(["run", "--rm", "--pull=newer", name, "--", "cat", "/d/x"])
        #expect(newer.status == 0 && newer.out == "v2\n", "\(newer.stderr)")
        #expect(newer.stderr.contains("cannot ask 127.0.0.1:9") && newer.stderr.contains("running the stored one"), "\(newer.stderr)")
        let always = try s.devbox(["run", "--rm", "--pull=always", name, "--", "true"])
        #expect(always.status != 0, "always needs the registry: \(always.stderr)")
    }

    @Test("--add-host and --dns reach /etc/hosts and a generated /etc/resolv.conf", arguments: Runner.all)
    func hostsAndDNS(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--add-host", "db.internal:10.1.2.3", "--dns", "9.9.9.9", "--dns", "1.1.1.1",
                              "--", "sh", "-c", "grep db.internal /etc/hosts; cat /etc/resolv.conf"])
        #expect(r.out == "10.1.2.3\tdb.internal\nnameserver 9.9.9.9\nnameserver 1.1.1.1\n", "\(r.stderr)")
    }

    @Test("noexec is applied: /dev/shm and --tmpfs refuse to execute (EACCES); --tmpfs :exec allows it", arguments: Runner.all)
    func noexec(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = "for d in /dev/shm /x /y; do cp /bin/true $d/t; $d/t 2>/dev/null; echo $d=$?; done"
        let r = try s.devbox(["run", "--rm", "--tmpfs", "/x", "--tmpfs", "/y:exec,size=1m", "--", "sh", "-c", script])
        // 126: the shell found the file and execve failed with EACCES.
        #expect(r.out == "/dev/shm=126\n/x=126\n/y=0\n", "\(r.stderr)")
    }

    @Test("--mount bind (ro), tmpfs (size) and volume", arguments: Runner.all)
    func mounts(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("shared.txt", "from-host\n")
        let script = "cat /b/shared.txt; touch /b/new 2>/dev/null || echo ro; df -k /t | tail -1 | awk '{print $2}'; echo v > /v/f && cat /v/f"
        let r = try s.devbox(["run", "--rm", "--mount", "type=bind,src=\(s.project.path),dst=/b,readonly",
                              "--mount", "type=tmpfs,destination=/t,tmpfs-size=2m",
                              "--mount", "type=volume,source=mnt-vol,target=/v", "--", "sh", "-c", script])
        #expect(r.out == "from-host\nro\n2048\nv\n", "\(r.stderr)")
        #expect(try s.devbox(["volume", "rm", "mnt-vol"]).status == 0)
    }

    @Test("--ulimit sets soft and hard limits; --shm-size sizes /dev/shm", arguments: Runner.all)
    func limits(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--ulimit", "nofile=100:200", "--ulimit", "core=0", "--shm-size", "4m",
                              "--", "sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -c; df -k /dev/shm | tail -1 | awk '{print $2}'"])
        #expect(r.out == "100\n200\n0\n4096\n", "\(r.stderr)")
    }

    @Test("--group-add adds supplementary groups", arguments: Runner.all)
    func groupAdd(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--group-add", "10", "--group-add", "20", "--", "id", "-G"])
        #expect(r.status == 0 && r.out == "0 10 20\n", "\(r.stderr)")
    }

    @Test("--env-host passes the host's whole environment; -e still wins", arguments: Runner.all)
    func envHost(runner: Runner) throws {
        let s = try Scratch(runner)
        let extra = ["FROM_HOST": "yes", "OVERRIDDEN": "host"]
        let without = try s.devbox(["run", "--rm", "--", "sh", "-c", "echo ${FROM_HOST:-unset}"], extraEnv: extra)
        #expect(without.out == "unset\n")
        let with = try s.devbox(["run", "--rm", "--env-host", "-e", "OVERRIDDEN=flag", "--", "sh", "-c", "echo $FROM_HOST $OVERRIDDEN"],
                                extraEnv: extra)
        #expect(with.out == "yes flag\n", "\(with.stderr)")
    }

    @Test("--userns keep-id:uid=U,gid=G: the caller is U/G inside and owns the project there", arguments: Runner.all)
    func keepIDAt(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--userns", "keep-id:uid=4321,gid=8765", "--", "sh", "-c",
                              "id -u; id -g; stat -c %u:%g ."])
        let owner = runner.uid == 0 ? "0:0" : "4321:8765"  // root maps every id to itself
        #expect(r.out == "4321\n8765\n\(owner)\n", "\(r.stderr)")
    }

    @Test("--device binds a node the user can open; one it cannot is refused before the run", arguments: Runner.all)
    func device(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--device", "/dev/zero:/dev/z", "--", "sh", "-c", "head -c 3 /dev/z | od -An -tx1"])
        #expect(r.status == 0 && r.out.contains("00 00 00"), "\(r.stderr)")
        let bad = try s.devbox(["run", "--rm", "--device", "/etc/hostname", "--", "true"])
        #expect(bad.status == 125 && bad.stderr.contains("not a device node"), "\(bad.stderr)")
    }
}
