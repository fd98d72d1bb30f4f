import Foundation
import Platform
import Project
import Testing

@Suite("the run flag table")
struct RunFlagTableTests {
    @Test("Sources/devbox/{Run,Create,Exec}FlagOptions.swift are what the table generates (run `make run-flags` after editing it)",
          arguments: [("RunFlagOptions", RunFlag.Commands.run), ("CreateFlagOptions", .create), ("ExecFlagOptions", .exec)])
    func generatedDeclarationsMatch(typeName: String, command: RunFlag.Commands) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("Sources/devbox/\(typeName).swift"), encoding: .utf8)
        #expect(committed == RunFlagSource.render(typeName: typeName, command: command))
    }

    @Test("no two flags share a name")
    func uniqueNames() {
        let longs = RunFlags.table.flatMap(\.longNames)
        let shorts = RunFlags.table.compactMap(\.short)
        #expect(Set(longs).count == longs.count)
        #expect(Set(shorts).count == shorts.count)
    }

    /// A value for each flag that must change what the parser produces.
    static let samples: [String: String] = [
        "root": "/r", "log-level": "debug", "tty": "", "interactive": "", "rm": "", "detach": "", "name": "n",
        "label": "a=b", "network": "none", "add-host": "h:1.2.3.4", "dns": "1.1.1.1", "profile": "strict",
        "cap-add": "x", "cap-drop": "y", "read-only": "", "security-opt": "o", "project": "/p",
        "allow-project-profile": "", "config": "/c.json", "preserve-fds": "2", "user": "u", "group-add": "g", "userns": "keep-id",
        "home": "host", "volume": "/a:/b", "mount": "type=tmpfs,dst=/t", "tmpfs": "/t", "device": "/dev/fuse",
        "shm-size": "1g", "env": "A=1", "env-file": "/f", "env-host": "", "workdir": "/w", "hostname": "h",
        "entrypoint": "", "pull": "never", "ulimit": "core=0", "stop-signal": "SIGINT", "stop-timeout": "3",
        "init": "", "gui": "", "storage-driver": "copy", "print-spec": "",
    ]

    @Test("every flag of run changes RunArguments", arguments: RunFlags.flags(for: .run).map(\.long))
    func everyFlagHasAnEffect(long: String) throws {
        let sample = try #require(Self.samples[long], "add a sample value for --\(long)")
        var args = RunArguments()
        #expect(RunFlags.apply(long, sample, to: &args))
        #expect(args != RunArguments())
    }

    @Test("create shares run's flags except the run-only ones")
    func createFlags() {
        let create = Set(RunFlags.flags(for: .create).map(\.long))
        #expect(create.isSuperset(of: ["name", "label", "volume", "user", "env", "mount", "pull"]))
        #expect(!create.contains("print-spec") && !create.contains("preserve-fds"))
        #expect(RunArguments.parse(["--name", "web", "img", "--", "x"], for: .create)?.name == "web")
        #expect(RunArguments.parse(["--print-spec", "--", "x"], for: .create) == nil)
    }

    @Test("volume names: a letter or digit, then letters, digits, '_', '.', '-'", arguments: [
        ("data", true), ("v1.2_x-y", true), ("9lives", true), ("-x", false), (".hidden", false), ("a/b", false), ("", false),
        ("a b", false), (String(repeating: "a", count: 256), false),
    ])
    func volumeNames(name: String, valid: Bool) {
        #expect(VolumeName.isValid(name) == valid)
    }
}
