import Project
import Testing

@Suite("devbox run's fast parser")
struct RunArgumentsTests {
    @Test("ordinary command lines parse", arguments: [
        (["--", "make", "test"], ["make", "test"]),
        (["-ti", "--rm", "--", "bash"], ["bash"]),
        (["-v", "/a:/b", "-e", "A=1", "--env=B=2", "-w", "/tmp", "--", "true"], ["true"]),
        (["--network", "none", "--hostname=h", "--userns", "keep-id", "--home", "host", "--", "sh", "-c", "x -- y"], ["sh", "-c", "x -- y"]),
    ])
    func parses(args: [String], command: [String]) throws {
        let parsed = try #require(RunArguments.parse(args))
        #expect(parsed.command == command)
    }

    @Test("values land where they belong")
    func values() throws {
        let p = try #require(RunArguments.parse(["-ti", "--rm", "-v", "/a:/b", "-e", "A=1", "--env=B=2", "-w", "/tmp",
                                                 "--network=none", "--root", "/r", "--log-level", "debug", "--print-spec", "--", "x"]))
        #expect(p.tty && p.interactive && p.remove && p.printSpec)
        #expect(p.volumes == ["/a:/b"] && p.env == ["A=1", "B=2"] && p.workdir == "/tmp")
        #expect(p.network == .none && p.dataRoot == "/r" && p.logLevel == "debug")
    }

    @Test("the new flags: --project, --allow-project-profile, --preserve-fds N")
    func newFlags() throws {
        let p = try #require(RunArguments.parse(["--project", "/p", "--allow-project-profile", "--preserve-fds", "3", "--", "x"]))
        #expect(p.project == "/p" && p.allowProjectProfile && p.preserveFDs == 3)
        let q = try #require(RunArguments.parse(["--preserve-fds=0", "--", "x"]))
        #expect(q.preserveFDs == 0 && q.project == nil && !q.allowProjectProfile)
        #expect(RunArguments.parse(["--preserve-fds", "2147483644", "--", "x"])?.preserveFDs == 2_147_483_644)
        #expect(RunArguments.parse(["--", "x"])?.preserveFDs == 0)
    }

    @Test("anything unusual is left to ArgumentParser", arguments: [
        ["--help"], ["-h"], ["make"], ["--bogus", "--", "x"], ["--network", "wifi", "--", "x"], ["-v"],
        ["--rm=yes", "--", "x"], ["--"], ["--log-level", "loud", "--", "x"], ["-x", "--", "y"],
        ["-w/tmp", "--", "x"], ["-eA=1", "--", "x"], ["-et", "A", "--", "x"],
        ["--preserve-fds", "-1", "--", "x"], ["--preserve-fds", "+1", "--", "x"], ["--preserve-fds", "", "--", "x"],
        ["--preserve-fds", "2147483645", "--", "x"], ["--preserve-fds", "99999999999999999999", "--", "x"],
    ])
    func fallsBack(args: [String]) {
        #expect(RunArguments.parse(args) == nil)
    }
}
