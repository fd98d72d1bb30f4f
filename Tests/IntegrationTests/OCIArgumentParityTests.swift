import Foundation
@testable import devbox
import Testing

/// `devbox oci`'s lifecycle verbs skip ArgumentParser (OCIArguments): what
/// the fast parser takes, ArgumentParser must read the same way, and what
/// it leaves alone must still reach ArgumentParser.
@Suite("the fast oci parser")
struct OCIArgumentParityTests {
    /// ArgumentParser's reading of `devbox oci ARGS`, global options moved
    /// after the verb as the real entry point does.
    static func slow(_ argv: [String]) throws -> OCIArguments? {
        let command = try Devbox.parseAsRoot(OCICommand.normalized(["oci"] + argv))
        return (command as? any OCIVerbCommand)?.parsed
    }

    @Test("both parsers read the same thing", arguments: [
        ["run", "c1"], ["create", "c1"], ["start", "c1"], ["state", "c1"], ["delete", "c1"], ["kill", "c1"],
        ["kill", "c1", "KILL"], ["kill", "c1", "9"], ["kill", "--all", "c1", "HUP"], ["kill", "-a", "c1"],
        ["--root", "/r", "run", "c1"], ["--root=/r", "create", "--bundle", "/b", "c1"], ["run", "--root", "/r", "-b", "/b", "c1"],
        ["--log", "/l", "--log-format", "json", "create", "--pid-file", "/p", "--console-socket", "/s", "--no-pivot", "--no-new-keyring", "c1"],
        ["--systemd-cgroup", "--debug", "start", "c1"], ["--log-level", "debug", "state", "c1"], ["--log-level=info", "delete", "-f", "c1"],
        ["delete", "--force", "c1"], ["run", "-d", "--pid-file=/p", "c1"], ["run", "--detach", "--bundle=b", "c1"],
        ["run", "--", "c1"], ["create", "-b", "rel/dir", "--", "-odd"], ["state", "c-1.2_3"],
    ])
    func same(argv: [String]) throws {
        let fast = try #require(OCIArguments.parse(argv), "the fast parser left \(argv) to ArgumentParser")
        #expect(fast == (try Self.slow(argv)))
    }

    @Test("what it does not take exactly goes to ArgumentParser", arguments: [
        ["run"], [], ["--root"], ["--root", "/r"], ["run", "a", "b"], ["kill", "a", "b", "c"], ["bogus", "c1"],
        ["run", "--bundle"], ["run", "--bundle", "--detach", "c1"], ["run", "--bogus", "c1"], ["start", "--bundle", "/b", "c1"],
        ["delete", "-d", "c1"], ["run", "-db", "/b", "c1"], ["run", "--detach=yes", "c1"], ["--log-level", "loud", "run", "c1"],
        ["--root", "/a", "--root", "/b", "run", "c1"], ["run", "--root", "/a", "--root", "/b", "c1"], ["--root", "/a", "run", "--root", "/b", "c1"],
        ["run", "-b", "/a", "--bundle", "/b", "c1"], ["--help"], ["run", "--help"], ["run", "-h", "c1"], ["exec", "c1", "true"],
        ["list"], ["spec"], ["--bogus", "run", "c1"], ["-", "run"],
    ])
    func leftAlone(argv: [String]) {
        #expect(OCIArguments.parse(argv) == nil)
    }
}
