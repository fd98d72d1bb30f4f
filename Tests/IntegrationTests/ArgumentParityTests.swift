import Foundation
@testable import devbox
import Project
import Testing

@Suite("the fast run parser")
struct ArgumentParityTests {
    @Test("knows exactly the flags ArgumentParser defines for `devbox run`")
    func sameFlags() throws {
        let r = try Shell.run([Runner.binary, "run", "--experimental-dump-help"])
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let command = try #require(json["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var defined: Set<String> = []
        for argument in arguments where (argument["kind"] as? String) != "positional" {
            for name in argument["names"] as? [[String: Any]] ?? [] {
                if let n = name["name"] as? String, !["help", "h", "version"].contains(n) { defined.insert(n) }
            }
        }
        let table = RunFlags.flags(for: .run)
        var fast = Set(table.flatMap(\.longNames))
        fast.formUnion(table.compactMap { $0.short.map(String.init) })
        #expect(fast == defined)
    }

    /// Every flag, in each spelling the fast parser takes.
    static let vectors: [[String]] = [
        ["--", "make", "test"],
        ["-ti", "--rm", "--", "bash"],
        ["-it", "--", "bash", "-l"],
        ["-t", "-i", "--", "x"],
        ["--tty", "--interactive", "--", "x"],
        ["-tie", "A=1", "--", "x"],
        ["-tv", "/a:/b", "--", "x"],
        ["-v", "/a:/b", "-v", "/c:/d:ro", "--volume=/e:/f", "--volume", "/g:/h:rw", "--", "x"],
        ["-e", "A=1", "--env=B=2", "--env", "C", "-e", "A=3", "--", "x"],
        ["--env-file", "/f1", "--env-file=/f2", "--", "x"],
        ["-w", "/tmp", "--", "x"],
        ["--workdir=/srv", "--", "x"],
        ["--workdir", "/a", "--workdir", "/b", "--", "x"],
        ["--network", "none", "--", "x"],
        ["--network=host", "--", "x"],
        ["--userns", "keep-id", "--home", "host", "--", "x"],
        ["--userns=keep-id", "--home=container", "--", "x"],
        ["--hostname", "h1", "--hostname=h2", "--", "x"],
        ["--print-spec", "--", "x"],
        ["--profile", "strict", "--", "x"],
        ["--profile=./p.toml", "--", "x"],
        ["--cap-add", "net_admin", "--cap-add=CAP_SYS_TIME", "--cap-drop", "ALL", "--cap-drop=mknod", "--", "x"],
        ["--read-only", "--", "x"],
        ["--security-opt", "seccomp=unconfined", "--security-opt=no-new-privileges", "--", "x"],
        ["--root", "/r", "--log-level", "debug", "--", "x"],
        ["--root=/r2", "--log-level=error", "--", "x"],
        ["--project", "/p", "--", "x"],
        ["--config", ".devcontainer/a/devcontainer.json", "--", "x"],
        ["--project=..", "--allow-project-profile", "--", "x"],
        ["--preserve-fds", "0", "--", "x"],
        ["--preserve-fds=3", "--preserve-fds", "5", "--", "x"],
        ["-u", "1000:1000", "--user=nobody", "--group-add", "10", "--group-add=audio", "--", "x"],
        ["-tu", "root", "--", "x"],
        ["--entrypoint", "", "--entrypoint=/bin/sh", "--pull", "never", "img", "--", "x"],
        ["--pull=always", "--pull", "newer", "--pull=missing", "--", "x"],
        ["--add-host", "db:10.0.0.2", "--add-host=h:::1", "--dns", "1.1.1.1", "--dns=9.9.9.9", "--", "x"],
        ["--device", "/dev/fuse", "--device=/dev/null:/dev/n:r", "--tmpfs", "/x:noexec", "--tmpfs=/y", "--", "x"],
        ["--mount", "type=bind,src=/a,dst=/b,ro", "--mount=type=volume,source=v,target=/c", "--", "x"],
        ["--label", "a=b", "--label=c", "--ulimit", "nofile=10:20", "--ulimit=core=0", "--shm-size", "1g", "--", "x"],
        ["--stop-signal", "SIGINT", "--stop-timeout", "5", "--stop-timeout=7", "--", "x"],
        ["--net", "none", "--", "x"],
        ["--net=host", "--network", "none", "--", "x"],
        ["--env-host", "--init", "--userns", "keep-id:uid=1000,gid=100", "--", "x"],
        ["--gui", "--storage-driver", "copy", "--", "x"],
        ["--storage-driver=overlay", "--", "x"],
        ["--name", "web", "-d", "--detach", "--name=db", "--", "x"],
        ["-dit", "--", "x"],
        ["alpine:3.20", "--", "sh"],
        ["--rm", "alpine", "-t", "--", "sh", "-c", "a -- b"],
        ["--", "-t", "--rm", "--profile", "x"],
        ["--tty", "--interactive", "--rm", "--network", "none", "--userns", "keep-id", "--home", "host", "-v", "/a:/b",
         "-e", "K=V", "--env-file", "/f", "-w", "/w", "--hostname", "h", "--print-spec", "--profile", "build", "--cap-add", "x",
         "--cap-drop", "y", "--read-only", "--security-opt", "seccomp=/s.json", "--root", "/r", "--log-level", "info",
         "--project", "/p", "--allow-project-profile", "--preserve-fds", "2", "img", "--", "cmd", "arg"],
    ]

    @Test("the fast parser and ArgumentParser's `run` produce the same RunArguments", arguments: vectors)
    func sameResult(argv: [String]) throws {
        let fast = try #require(RunArguments.parse(argv), "the fast parser left \(argv) to ArgumentParser")
        let parsed = try RunCommand.parse(argv).arguments()
        #expect(fast != RunArguments(), "a vector that changes nothing proves nothing")
        #expect(fast == parsed)
    }

    @Test("every flag is exercised by the table above")
    func tableCoversEveryFlag() {
        let used = Set(Self.vectors.flatMap { $0 }.filter { $0.hasPrefix("-") })
        for flag in RunFlags.flags(for: .run) {
            let spelled = flag.longNames.allSatisfy { long in used.contains { $0 == "--" + long || $0.hasPrefix("--" + long + "=") } }
                || flag.short.map { s in used.contains { $0.count > 1 && !$0.hasPrefix("--") && $0.contains(s) } } == true
            #expect(spelled, "--\(flag.long) is in no vector")
        }
    }

    @Test("what the fast parser refuses, ArgumentParser refuses too (so the error is ArgumentParser's, exit 125)", arguments: [
        ["--preserve-fds", "-1", "--", "x"], ["--preserve-fds", "x", "--", "x"], ["--preserve-fds=", "--", "x"],
        ["--preserve-fds", "1.5", "--", "x"], ["--network", "wifi", "--", "x"], ["--home", "elsewhere", "--", "x"],
        ["--log-level", "loud", "--", "x"], ["--bogus", "--", "x"], ["--rm=yes", "--", "x"], ["-x", "--", "y"],
        ["--allow-project-profile=yes", "--", "x"], ["a", "b", "--", "x"], ["-w/tmp", "--", "x"], ["-eA=1", "--", "x"],
        ["-v/a:/b", "--", "x"], ["-tw/tmp", "--", "x"], ["--pull", "sometimes", "--", "x"], ["--stop-timeout", "-1", "--", "x"],
        ["--stop-timeout", "soon", "--", "x"], ["--init=yes", "--", "x"], ["-u1000", "--", "x"], ["--net", "wifi", "--", "x"],
    ])
    func bothRefuse(argv: [String]) {
        #expect(RunArguments.parse(argv) == nil)
        #expect(throws: (any Error).self) { try RunCommand.parse(argv) }
    }
}
