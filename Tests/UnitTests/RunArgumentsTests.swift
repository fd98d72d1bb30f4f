import Project
import Testing

@Suite("devbox run's fast parser")
struct RunArgumentsTests {
    @Test("ordinary command lines parse", arguments: [
        (["--", "make", "test"], ["make", "test"]),
        (["-ti", "--rm", "--", "bash"], ["bash"]),
        (["-v", "/a:/b", "-e", "A=1", "--env=B=2", "-w/tmp", "--", "true"], ["true"]),
        (["--network", "none", "--hostname=h", "--userns", "keep-id", "--home", "host", "--", "sh", "-c", "x -- y"], ["sh", "-c", "x -- y"]),
    ])
    func parses(args: [String], command: [String]) throws {
        let parsed = try #require(RunArguments.parse(args))
        #expect(parsed.command == command)
    }

    @Test("values land where they belong")
    func values() throws {
        let p = try #require(RunArguments.parse(["-ti", "--rm", "-v", "/a:/b", "-e", "A=1", "--env=B=2", "-w/tmp",
                                                 "--network=none", "--root", "/r", "--log-level", "debug", "--print-spec", "--", "x"]))
        #expect(p.tty && p.interactive && p.remove && p.printSpec)
        #expect(p.volumes == ["/a:/b"] && p.env == ["A=1", "B=2"] && p.workdir == "/tmp")
        #expect(p.network == .none && p.dataRoot == "/r" && p.logLevel == "debug")
    }

    @Test("anything unusual is left to ArgumentParser", arguments: [
        ["--help"], ["-h"], ["make"], ["--bogus", "--", "x"], ["--network", "wifi", "--", "x"], ["-v"],
        ["--rm=yes", "--", "x"], ["--"], ["--log-level", "loud", "--", "x"], ["-x", "--", "y"],
    ])
    func fallsBack(args: [String]) {
        #expect(RunArguments.parse(args) == nil)
    }
}
