import Foundation
import Profiles
import Testing

/// A user and a project profile directory, removed afterwards.
final class ProfileDirs {
    let root = "/tmp/devbox-trust-\(UUID().uuidString.prefix(8))"
    var user: String { root + "/user" }
    var project: String { root + "/project" }

    init() throws {
        for dir in [user, project] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ dir: String, _ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    func resolver(allow: Bool = false) -> ProfileResolver {
        // Fixed host limits: the test must not depend on the shell's ulimits.
        ProfileResolver(userDirectory: user, projectDirectory: project, allowWeakerProjectProfiles: allow,
                        hostLimit: { _ in (1024, 4096) })
    }
}

@Suite("profile trust: built-in names, project profiles, weaker")
struct ProfileTrustTests {
    @Test("a file named like a built-in profile never replaces it, in the user's directory or the project's",
          arguments: ["default", "strict", "build", "unconfined"])
    func builtinNamesAreBuiltin(name: String) throws {
        let dirs = try ProfileDirs()
        for dir in [dirs.user, dirs.project] {
            try dirs.write(dir, name + ".toml", "extends = \"unconfined\"\ndescription = \"planted\"\n")
        }
        let resolved = try dirs.resolver(allow: true).resolveWithOrigin(name)
        #expect(resolved.origin == .builtin)
        #expect(resolved.profile == (try ProfileResolver().resolve(name)))
        #expect(resolved.profile.description != "planted")
        let listed = dirs.resolver().available().filter { $0.name == name }
        #expect(listed.map(\.origin) == [.builtin, .user(dirs.user + "/\(name).toml"), .project(dirs.project + "/\(name).toml")])
        #expect(listed.map { $0.ignored != nil } == [false, true, true])
    }

    @Test("a profile file's extends of a built-in name gets the built-in, not a planted file")
    func extendsBuiltinIsBuiltin() throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.project, "strict.toml", "extends = \"unconfined\"\n")
        try dirs.write(dirs.user, "mine.toml", "extends = \"strict\"\n")
        let p = try dirs.resolver().resolve("mine")
        #expect(p.capabilities.isEmpty && p.network == "none" && p.readOnlyRoot && p.seccompDeny.contains("ptrace"))
    }

    @Test("names resolve built-in, then the user's file, then the project's; origins say which")
    func origins() throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.user, "both.toml", "extends = \"default\"\ndescription = \"user\"\n")
        try dirs.write(dirs.project, "both.toml", "extends = \"default\"\ndescription = \"project\"\n")
        try dirs.write(dirs.project, "proj.toml", "extends = \"strict\"\n")
        let r = dirs.resolver()
        #expect(try r.resolveWithOrigin("both").origin == .user(dirs.user + "/both.toml"))
        #expect(try r.resolve("both").description == "user")
        #expect(try r.resolveWithOrigin("proj").origin == .project(dirs.project + "/proj.toml"))
        #expect(try r.resolveWithOrigin(dirs.project + "/proj.toml").origin == .file(dirs.project + "/proj.toml"))
        #expect(r.available().first { $0.name == "both" && $0.origin == .project(dirs.project + "/both.toml") }?.ignored != nil)
        #expect(ProfileOrigin.builtin.description == "built-in")
        #expect(ProfileOrigin.project("/p/x.toml").description == "project /p/x.toml")
        #expect(ProfileOrigin.user("/u/x.toml").description == "user /u/x.toml")
    }

    @Test("a project profile weaker than its base, in each dimension, is refused with the reason", arguments: [
        ("extends = \"strict\"\n[capabilities]\nadd = [\"sys_admin\"]\n", "adds CAP_SYS_ADMIN"),
        ("extends = \"default\"\n[capabilities]\nkeep = [\"ALL\"]\n", "CAP_SYS_ADMIN"),
        ("extends = \"strict\"\nno_new_privileges = false\n", "turns no_new_privileges off"),
        ("extends = \"strict\"\nnetwork = \"host\"\n", "uses the host's network"),
        ("extends = \"strict\"\nread_only_root = false\n", "makes the root filesystem writable"),
        ("extends = \"strict\"\nnested_user_namespaces = true\n", "allows nested user namespaces"),
        ("extends = \"strict\"\n[rlimits]\nnproc = [4096, 8192]\n", "raises rlimit nproc"),
        ("extends = \"strict\"\n[rlimits]\ncore = [1, 1]\n", "raises rlimit core"),
        ("extends = \"default\"\n[rlimits]\nnofile = [1024, 65536]\n", "raises rlimit nofile"),
        ("extends = \"default\"\n[seccomp]\nfile = \"allow.json\"\n", "replaces the seccomp filter with a file"),
        ("extends = \"ro\"\nread_only_project = false\n", "makes the project writable"),
        ("extends = \"kill\"\n[seccomp]\ndefault_action = \"allow\"\n", "makes the seccomp default action allow instead of kill"),
        ("description = \"from nothing\"\n", "unmasks /proc/acpi"),
        ("description = \"from nothing\"\n", "makes writable /proc/bus"),
        ("description = \"from nothing\"\n[capabilities]\nkeep = [\"CAP_CHOWN\"]\n", "removes the seccomp filter"),
    ])
    func weaker(text: String, reason: String) throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.project, "allow.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}")
        try dirs.write(dirs.user, "ro.toml", "extends = \"default\"\nread_only_project = true\n")
        try dirs.write(dirs.user, "kill.toml", "extends = \"default\"\n[seccomp]\ndefault_action = \"kill\"\n")
        try dirs.write(dirs.project, "weak.toml", text)
        do {
            _ = try dirs.resolver().resolve("weak")
            Issue.record("accepted a weaker project profile")
        } catch {
            guard case .weakerProjectProfile(let file, _, let reasons) = error else { Issue.record("\(error)"); return }
            #expect(file == dirs.project + "/weak.toml")
            #expect(reasons.contains { $0.contains(reason) }, "\(reasons)")
            #expect(error.description.hasSuffix("pass --allow-project-profile to run with it anyway"))
        }
        // The user can accept it; the run then says how it is weaker.
        let allowed = try dirs.resolver(allow: true).resolveWithOrigin("weak")
        #expect(allowed.weakenings.count == 1 && allowed.weakenings[0].contains(reason))
    }

    @Test("ProfileStrength on values: removed denials, a milder default action, rlimits against the host's")
    func strengthOnValues() throws {
        let base = try ProfileResolver().resolve("default")
        var p = base
        p.seccompDeny.removeAll { $0 == "mount" || $0 == "bpf" }
        #expect(ProfileStrength.weakenings(of: p, against: base) == ["no longer denies bpf, mount"])
        p = base
        p.rlimits["stack"] = [8 << 20, 8 << 20]
        #expect(ProfileStrength.weakenings(of: p, against: base, hostLimit: { _ in (8 << 20, UInt64.max) }).isEmpty)
        #expect(ProfileStrength.weakenings(of: p, against: base, hostLimit: { _ in (4 << 20, UInt64.max) }) == ["raises rlimit stack"])
        #expect(ProfileStrength.weakenings(of: p, against: base, hostLimit: { _ in nil }) == ["raises rlimit stack"])
        #expect(ProfileStrength.weakenings(of: base, against: base).isEmpty)
        let strict = try ProfileResolver().resolve("strict")
        #expect(ProfileStrength.weakenings(of: strict, against: base).isEmpty)
        let reasons = ProfileStrength.weakenings(of: base, against: strict, hostLimit: { _ in (0, 0) })
        #expect(reasons.map { String($0.prefix(12)) } == ["adds CAP_CHO", "no longer de", "uses the hos", "makes the ro", "allows neste"])
    }

    @Test("a project profile that only tightens its base is used as it is", arguments: [
        "extends = \"default\"\nnetwork = \"none\"\nread_only_root = true\nread_only_project = true\nnested_user_namespaces = false\n",
        "extends = \"default\"\n[capabilities]\ndrop = [\"ALL\"]\n[paths]\nmasked = [\"/proc/cpuinfo\"]\nread_only = [\"/proc/self\"]\n",
        "extends = \"default\"\n[seccomp]\ndeny = [\"ptrace\"]\nerrno = 38\n",
        "extends = \"default\"\n[seccomp]\ndefault_action = \"errno\"\n",
        "extends = \"strict\"\n[rlimits]\nnproc = [100, 200]\nnofile = [512, 1024]\n",
        "extends = \"strict\"\n[env]\nCI = \"1\"\n",
        "extends = \"build\"\n[rlimits]\nnofile = [1024, 1024]\n",
    ])
    func tighter(text: String) throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.project, "tight.toml", text)
        let resolved = try dirs.resolver().resolveWithOrigin("tight")
        #expect(resolved.weakenings.isEmpty && resolved.origin == .project(dirs.project + "/tight.toml"))
    }

    @Test("a project profile may not extend unconfined, directly or through another project profile")
    func extendsUnconfined() throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.project, "a.toml", "extends = \"unconfined\"\n")
        try dirs.write(dirs.project, "b.toml", "extends = \"a\"\n")
        for name in ["a", "b"] {
            #expect(throws: ProfileError.projectExtendsUnconfined(file: dirs.project + "/a.toml")) { try dirs.resolver().resolve(name) }
        }
        #expect(try dirs.resolver(allow: true).resolve("b").capabilities.count == CapabilityName.known.count)
    }

    @Test("a weaker project profile in the middle of a chain is caught even if the top one tightens")
    func weakerInChain() throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.project, "mid.toml", "extends = \"strict\"\nnetwork = \"host\"\n")
        try dirs.write(dirs.project, "top.toml", "extends = \"mid\"\nread_only_project = true\n")
        #expect(throws: ProfileError.self) { try dirs.resolver().resolve("top") }
        // A user profile extending a project one does not launder it either.
        try dirs.write(dirs.user, "mine.toml", "extends = \"mid\"\n")
        #expect(throws: ProfileError.self) { try dirs.resolver().resolve("mine") }
    }

    @Test("a project profile cannot reach files by path: extends and seccomp file stay names and relative paths")
    func projectPaths() throws {
        let dirs = try ProfileDirs()
        try dirs.write(dirs.user, "secret.toml", "extends = \"unconfined\"\n")
        try dirs.write(dirs.project, "p.toml", "extends = \"\(dirs.user)/secret.toml\"\n")
        #expect(throws: ProfileError.projectExtendsPath(file: dirs.project + "/p.toml")) { try dirs.resolver(allow: true).resolve("p") }
        try dirs.write(dirs.root, "s.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}")
        for path in [dirs.root + "/s.json", "../s.json"] {
            try dirs.write(dirs.project, "q.toml", "extends = \"default\"\n[seccomp]\nfile = \"\(path)\"\n")
            #expect(throws: ProfileError.self) { try dirs.resolver(allow: true).resolve("q") }
        }
    }

    @Test("profile names cannot climb out of their directory", arguments: ["..", ".hidden", "a b", "x\u{0}y", ""])
    func badNames(name: String) throws {
        let dirs = try ProfileDirs()
        #expect(throws: ProfileError.badName(name)) { try dirs.resolver().resolve(name) }
    }

    @Test("a misspelt syscall is the profile's error with file:line, not a failed launch", arguments: ["mountt", "nosuchcall", "ptrace2"])
    func unknownSyscall(name: String) {
        #expect(throws: ProfileError.unknownSyscall(file: "p.toml", line: 2, name: name)) {
            try ProfileParser.parse("[seccomp]\ndeny = [\"mount\", \"\(name)\"]\n", file: "p.toml")
        }
    }

    @Test("profile tables and env names are checked", arguments: [
        ("[capabilites]\n", ProfileError.unknownKey(file: "p.toml", line: 1, key: "[capabilites]")),
        ("[env]\n\"\" = \"x\"\n", ProfileError.badValue(file: "p.toml", line: 2, key: "env.", expected: "a variable with a non-empty name without '=' (NAME = \"value\")")),
        ("[env]\n\"A=B\" = \"x\"\n", ProfileError.badValue(file: "p.toml", line: 2, key: "env.A=B", expected: "a variable with a non-empty name without '=' (NAME = \"value\")")),
    ])
    func tablesAndEnv(text: String, error: ProfileError) {
        #expect(throws: error) { try ProfileParser.parse(text, file: "p.toml") }
    }
}
