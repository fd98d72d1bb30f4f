import Foundation
import Testing

@Suite("security profiles")
struct ProfileTests {
    /// The capability mask a profile keeps (effective and bounding alike).
    static let expectedCaps = [
        "default": "00000000a80425fb",
        "build": "00000000a80425fb",
        "strict": "0000000000000000",
    ]

    @Test("capability sets in /proc/self/status match the profile", arguments: Runner.all, ["default", "build", "strict", "unconfined"])
    func capabilities(runner: Runner, profile: String) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--profile", profile, "--", "sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status; cat /proc/sys/kernel/cap_last_cap"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map { String($0.split(separator: "\t").last ?? "") }
        let expected: String
        if let mask = Self.expectedCaps[profile] {
            expected = mask
        } else {
            let last = Int(lines.last ?? "40") ?? 40
            let all = (UInt64(1) << UInt64(last + 1)) - 1
            let hex = String(all, radix: 16)
            expected = String(repeating: "0", count: 16 - hex.count) + hex
        }
        #expect(lines.prefix(2).allSatisfy { $0 == expected }, "\(profile): \(r.out)")
        if profile == "unconfined" { #expect(r.stderr.contains("warning")) }
    }

    @Test("default masks kernel files and keeps /proc/sys read-only", arguments: Runner.all)
    func maskedAndReadOnly(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = "wc -c < /proc/timer_list; wc -c < /proc/keys; echo x > /proc/sys/kernel/core_pattern 2>/dev/null && echo wrote || echo refused"
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", script])
        #expect(r.out == "0\n0\nrefused\n", "\(r.stderr)")
        // A masked path is a mount over it; unconfined mounts nothing there.
        let count = "grep -c ' /proc/timer_list ' /proc/self/mountinfo || true"
        #expect(try s.devbox(["run", "--rm", "--", "sh", "-c", count]).out == "1\n")
        #expect(try s.devbox(["run", "--rm", "--profile", "unconfined", "--", "sh", "-c", count]).out == "0\n")
    }

    @Test("strict: no network, a read-only root with /tmp and the project writable, no nested user namespaces", arguments: Runner.all)
    func strict(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = """
            grep -c : /proc/net/dev
            touch /etc/x 2>/dev/null && echo etc-writable || echo etc-read-only
            touch /tmp/x && echo tmp-writable
            touch ./made && echo project-writable
            touch $HOME/x 2>/dev/null && echo home-writable || echo home-read-only
            cat /proc/sys/user/max_user_namespaces
            unshare -U true 2>/dev/null && echo nested || echo no-nested
            """
        let r = try s.devbox(["run", "--rm", "--profile", "strict", "--", "sh", "-c", script])
        #expect(r.out == "1\netc-read-only\ntmp-writable\nproject-writable\nhome-read-only\n0\nno-nested\n", "\(r.stderr)")
    }

    @Test("--cap-drop ALL --cap-add, --read-only and --network override the profile", arguments: Runner.all)
    func overrides(runner: Runner) throws {
        let s = try Scratch(runner)
        let caps = try s.devbox(["run", "--rm", "--cap-drop", "ALL", "--cap-add", "net_bind_service", "--", "grep", "CapEff", "/proc/self/status"])
        #expect(caps.out.hasSuffix("0000000000000400\n"), "\(caps.out)\(caps.stderr)")
        let ro = try s.devbox(["run", "--rm", "--read-only", "--", "sh", "-c", "touch /usr/x 2>/dev/null || echo refused; touch /tmp/y && echo tmp"])
        #expect(ro.out == "refused\ntmp\n", "\(ro.stderr)")
        let net = try s.devbox(["run", "--rm", "--profile", "strict", "--network", "host", "--", "sh", "-c", "grep -c : /proc/net/dev"])
        #expect((Int(net.out.filter(\.isNumber)) ?? 0) > 1, "--network host wins over the profile")
    }

    @Test("bad profiles: a one-line error with file:line, exit 125, nothing run", arguments: [
        ("extends = \"default\"\nbogus = 1\n", ":2: unknown key 'bogus'"),
        ("[capabilities]\nadd = [\"CAP_FLY\"]\n", ":2: unknown capability 'CAP_FLY'"),
        ("network = \"wifi\"\n", ":1: 'network' must be"),
        ("extends = \"nosuch\"\n", "profile 'nosuch' not found"),
        ("no_new_privileges = maybe\n", ":1: 'maybe' is not a value"),
    ])
    func badProfiles(text: String, message: String) throws {
        let s = try Scratch(Runner.all[0])
        try s.write("p.toml", text)
        let path = s.project.appendingPathComponent("p.toml").path
        let run = try s.devbox(["run", "--profile", path, "--", "touch", "ran"])
        #expect(run.status == 125 && run.stderr.contains(message) && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
        #expect(try s.devbox(["profile", "check", path]).status == 125)
    }

    @Test("profile list and show: shipped profiles, extends resolved")
    func listAndShow() throws {
        let s = try Scratch(Runner.all[0])
        let list = try s.devbox(["profile", "list"])
        for name in ["default", "strict", "build", "unconfined"] { #expect(list.out.contains(name)) }
        let show = try s.devbox(["profile", "show", "strict"])
        #expect(show.out.contains("network = \"none\"") && show.out.contains("keep = []") && show.out.contains("/proc/kcore"))
    }
}
