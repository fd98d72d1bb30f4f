import Foundation
import Profiles
import Project
import Testing

@Suite("the command's environment: -e, --env-file, merging")
struct EnvironmentTests {
    @Test("--env-file lines", arguments: [
        ("A=1\n# c\n\n  B=2\nC", ["A=1", "B=2", "C"]),
        ("", []),
        ("A=1\r\nB=x y \r\n", ["A=1", "B=x y "]),
        ("\t# indented comment\nX==y\nY=\n", ["X==y", "Y="]),
        ("A=1", ["A=1"]),
    ])
    func envFile(text: String, expected: [String]) throws {
        #expect(try EnvironmentPlanner.parseEnvFile(text, file: "f") == expected)
    }

    @Test("bad names in an env file name the file and line", arguments: [
        ("A=1\n=x\n", "=x", 2),
        ("\n\n  =\n", "=", 3),
        ("A=1\nB\u{0}C=2\n", "B\u{0}C=2", 2),
        ("A=x\u{0}y\n", "A=x\u{0}y", 1),
    ])
    func envFileErrors(text: String, entry: String, line: Int) {
        #expect(throws: PlanError.badEnvironment(entry, source: "f:\(line)")) { try EnvironmentPlanner.parseEnvFile(text, file: "f") }
    }

    @Test("-e refuses empty names and NUL, one line", arguments: ["=x", "=", "", "A\u{0}=1"])
    func badDashE(entry: String) {
        #expect(throws: PlanError.badEnvironment(entry, source: "-e")) { try EnvironmentPlanner.validate(["OK=1", entry], source: "-e") }
        #expect(!PlanError.badEnvironment(entry, source: "-e").description.contains("\n"))
    }

    @Test("-e takes KEY=VAL, KEY, values with '=' and empty values")
    func goodDashE() throws {
        try EnvironmentPlanner.validate(["A=1", "B", "C=x=y", "D="], source: "-e")
    }

    @Test("later additions win, in the first-set position; KEY takes the host's value; order is stable")
    func merge() {
        let env = EnvironmentPlanner.plan(host: ["PATH": "/bin", "SECRET": "s", "LANG": "C"], home: "/h", hostname: "n", tty: false,
                                          additions: ["A=1", "PATH=/opt", "B=2", "A=3", "SECRET", "MISSING", "HOME=/x"])
        #expect(env == ["PATH=/opt", "HOME=/x", "HOSTNAME=n", "container=devbox", "LANG=C", "A=3", "B=2", "SECRET=s"])
    }

    @Test("200k env-file lines parse and merge in well under the quadratic time (17 s for 100k before)")
    func linear() throws {
        let count = 200_000
        var text = ""
        text.reserveCapacity(count * 16)
        for i in 0..<count { text += "VAR_\(i)=value\n" }
        text += "VAR_0=last\n"
        let start = ContinuousClock.now
        let entries = try EnvironmentPlanner.parseEnvFile(text, file: "big.env")
        let env = EnvironmentPlanner.plan(host: [:], home: "/h", hostname: "n", tty: false, additions: entries)
        let elapsed = ContinuousClock.now - start
        #expect(entries.count == count + 1)
        #expect(env.count == count + 4)
        #expect(env[4] == "VAR_0=last" && env.last == "VAR_\(count - 1)=value")
        // Generous: a debug build on a shared 2-core machine takes ~1 s; quadratic took minutes.
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }
}

@Suite("--security-opt")
struct SecurityOptionTests {
    @Test("no-new-privileges forces no_new_privs on, whatever the profile says",
          arguments: ["no-new-privileges", "no-new-privileges=true", "no-new-privileges:true"])
    func noNewPrivileges(value: String) throws {
        var options = RunOptions()
        try SecurityPlanner.applySecurityOptions([value], to: &options) { _ in nil }
        #expect(options.forceNoNewPrivileges && options.seccompOverride == nil)
        let unconfined = try ProfileResolver().resolve("unconfined")
        let spec = try plan { o in
            o.profile = unconfined
            o.forceNoNewPrivileges = options.forceNoNewPrivileges
        }.spec
        #expect(spec.process.noNewPrivileges == true)
        #expect(try plan { o in o.profile = unconfined }.spec.process.noNewPrivileges == false)
    }

    @Test("seccomp=unconfined and seccomp=FILE", arguments: ["seccomp=unconfined", "seccomp:unconfined"])
    func seccompUnconfined(value: String) throws {
        var options = RunOptions()
        try SecurityPlanner.applySecurityOptions([value], to: &options) { _ in nil }
        #expect(options.seccompOverride == .unconfined && !options.forceNoNewPrivileges)
        try SecurityPlanner.applySecurityOptions(["seccomp=/f.json"], to: &options) { _ in Array("{\"defaultAction\":\"SCMP_ACT_LOG\"}".utf8) }
        guard case .profile(let filter)? = options.seccompOverride else { Issue.record("no filter"); return }
        #expect(filter.defaultAction == "SCMP_ACT_LOG")
    }

    @Test("anything else is refused, not ignored", arguments: [
        ("no-new-privileges=false", PlanError.unknownSecurityOption("no-new-privileges=false")),
        ("no-new-privs", .unknownSecurityOption("no-new-privs")),
        ("label=disable", .unknownSecurityOption("label=disable")),
        ("apparmor=unconfined", .unknownSecurityOption("apparmor=unconfined")),
        ("seccomp=", .unknownSecurityOption("seccomp=")),
        ("", .unknownSecurityOption("")),
        ("seccomp=/missing.json", .unreadableSeccompFile("/missing.json")),
    ])
    func refused(value: String, error: PlanError) {
        var options = RunOptions()
        #expect(throws: error) { try SecurityPlanner.applySecurityOptions([value], to: &options) { _ in nil } }
        #expect(error.isUsageError)
    }
}
