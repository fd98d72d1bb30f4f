import Foundation
import Testing

/// What a repository can and cannot do to the run (docs/TRUST.md), against the real binary.
@Suite("trust: project files cannot weaken the run")
struct TrustTests {
    /// Creates a file under the project (directories included) owned by the runner.
    static func plant(_ s: Scratch, _ relative: String, _ contents: String) throws {
        let url = s.project.appendingPathComponent(relative)
        var dir = url.deletingLastPathComponent()
        var made: [String] = []
        while !FileManager.default.fileExists(atPath: dir.path) { made.append(dir.path); dir = dir.deletingLastPathComponent() }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url, atomically: false, encoding: .utf8)
        if s.runner.user != nil { for path in made + [url.path] { chown(path, s.runner.uid, s.runner.gid) } }
    }

    static let strictCheck = "grep CapEff /proc/self/status; grep -c : /proc/net/dev; grep NoNewPrivs /proc/self/status; touch /etc/x 2>/dev/null && echo rw || echo ro"

    @Test("a project's .devbox/profiles/strict.toml extending unconfined does not change --profile strict", arguments: Runner.all)
    func plantedBuiltin(runner: Runner) throws {
        let s = try Scratch(runner)
        try Self.plant(s, ".devbox/profiles/strict.toml", "extends = \"unconfined\"\nnetwork = \"host\"\nread_only_root = false\n")
        let r = try s.devbox(["run", "--rm", "--profile", "strict", "--", "sh", "-c", Self.strictCheck])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "CapEff:\t0000000000000000\n1\nNoNewPrivs:\t1\nro\n", "\(r.stderr)")
    }

    @Test("the user's config directory cannot replace a built-in profile either", arguments: Runner.all)
    func plantedInUserConfig(runner: Runner) throws {
        let s = try Scratch(runner)
        try Self.plant(s, "config/devbox/profiles/strict.toml", "extends = \"unconfined\"\n")
        let r = try s.devbox(["run", "--rm", "--profile", "strict", "--", "sh", "-c", Self.strictCheck],
                             extraEnv: ["XDG_CONFIG_HOME": s.project.appendingPathComponent("config").path])
        #expect(r.out == "CapEff:\t0000000000000000\n1\nNoNewPrivs:\t1\nro\n", "\(r.stderr)")
    }

    @Test("a weaker project profile is refused (exit 125, nothing runs) unless --allow-project-profile", arguments: Runner.all)
    func weakerProjectProfile(runner: Runner) throws {
        let s = try Scratch(runner)
        try Self.plant(s, ".devbox/profiles/loose.toml", "extends = \"strict\"\nnetwork = \"host\"\n")
        let refused = try s.devbox(["run", "--rm", "--profile", "loose", "--", "touch", "ran"])
        #expect(refused.status == 125)
        #expect(refused.stderr == "devbox: \(s.project.path)/.devbox/profiles/loose.toml: this project profile is weaker than 'strict' it extends (uses the host's network); pass --allow-project-profile to run with it anyway\n")
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
        let allowed = try s.devbox(["run", "--rm", "--profile", "loose", "--allow-project-profile", "--", "sh", "-c", "grep -c : /proc/net/dev"])
        #expect(allowed.status == 0 && (Int(allowed.out.filter(\.isNumber)) ?? 0) > 1, "\(allowed.stderr)")
        #expect(allowed.stderr.hasPrefix("devbox: warning: \(s.project.path)/.devbox/profiles/loose.toml is weaker than 'strict': uses the host's network"))
    }

    @Test("a project profile extending unconfined is refused", arguments: Runner.all)
    func extendsUnconfined(runner: Runner) throws {
        let s = try Scratch(runner)
        try Self.plant(s, ".devbox/profiles/wide.toml", "extends = \"unconfined\"\n")
        let r = try s.devbox(["run", "--rm", "--profile", "wide", "--", "true"])
        #expect(r.status == 125 && r.stderr.contains("a project profile may not extend 'unconfined'"), "\(r.stderr)")
    }

    @Test("a tighter project profile is used when named", arguments: Runner.all)
    func tighterProjectProfile(runner: Runner) throws {
        let s = try Scratch(runner)
        try Self.plant(s, ".devbox/profiles/ci.toml", "extends = \"default\"\nnetwork = \"none\"\n[rlimits]\nnofile = [256, 256]\n")
        let r = try s.devbox(["run", "--rm", "--profile", "ci", "--", "sh", "-c", "grep -c : /proc/net/dev; ulimit -n"])
        #expect(r.status == 0 && r.out == "1\n256\n", "\(r.stderr)")
    }

    @Test("profile list and show say where each profile comes from")
    func listAndShowSources() throws {
        let s = try Scratch(Runner.all[0])
        try Self.plant(s, ".devbox/profiles/strict.toml", "extends = \"unconfined\"\n")
        try Self.plant(s, ".devbox/profiles/ci.toml", "extends = \"strict\"\n")
        try Self.plant(s, "config/devbox/profiles/mine.toml", "extends = \"default\"\n")
        let env = ["XDG_CONFIG_HOME": s.project.appendingPathComponent("config").path]
        let list = try s.devbox(["profile", "list"], extraEnv: env)
        #expect(list.status == 0)
        let rows = list.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(3).joined(separator: " ") }
        let project = s.project.path + "/.devbox/profiles/"
        #expect(rows.contains("strict built-in No"))
        #expect(rows.contains("strict project \(project)strict.toml"))
        #expect(list.out.contains("(ignored: built-in profile names always mean the built-in profile)"))
        #expect(rows.contains("ci project \(project)ci.toml"))
        #expect(rows.contains("mine user \(s.project.path)/config/devbox/profiles/mine.toml"))
        let show = try s.devbox(["profile", "show", "ci"], extraEnv: env)
        #expect(show.out.split(separator: "\n").prefix(2) == ["name = \"ci\"", "source = \"project \(project)ci.toml\""])
        let builtin = try s.devbox(["profile", "show", "strict"], extraEnv: env)
        #expect(builtin.out.contains("source = \"built-in\"") && builtin.out.contains("keep = []"))
    }
}

@Suite("the project directory")
struct ProjectDirectoryTests {
    @Test("home, a home with a .git, and / are refused as implicit projects (exit 125, one line)", arguments: Runner.all)
    func refused(runner: Runner) throws {
        let s = try Scratch(runner)  // the project has a .git: a dotfiles repository in "home"
        let home = s.project.path
        for cwd in [s.project, URL(fileURLWithPath: "/")] {
            let r = try s.devbox(["run", "--rm", "--", "touch", "ran"], cwd: cwd, extraEnv: ["HOME": home])
            #expect(r.status == 125, "\(cwd.path): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasSuffix("or name one with --project DIR\n"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
        // The directory above home too.
        let above = try s.devbox(["run", "--rm", "--", "true"], cwd: s.root, extraEnv: ["HOME": home])
        #expect(above.status == 125 && above.stderr.contains("is above your home directory"), "\(above.stderr)")
    }

    @Test("--project names home explicitly; a subdirectory of home is the project by itself", arguments: Runner.all)
    func explicit(runner: Runner) throws {
        let s = try Scratch(runner)
        let home = s.project.path
        let r = try s.devbox(["run", "--rm", "--project", home, "--", "sh", "-c", "touch ran && pwd"], extraEnv: ["HOME": home])
        #expect(r.status == 0 && r.out == home + "\n", "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
        let sub = s.project.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        if runner.user != nil { chown(sub.path, runner.uid, runner.gid) }
        // A marker in home is ignored, so the subdirectory is the project: what
        // the command writes into home (the container's own) never reaches the host's.
        let inSub = try s.devbox(["run", "--rm", "--", "sh", "-c", "touch ok ../escaped 2>/dev/null; pwd"], cwd: sub, extraEnv: ["HOME": home])
        #expect(inSub.status == 0 && inSub.out == sub.path + "\n", "\(inSub.stderr)")
        #expect(FileManager.default.fileExists(atPath: sub.appendingPathComponent("ok").path))
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("escaped").path))
        let missing = try s.devbox(["run", "--project", "/nonexistent-dir", "--", "true"])
        #expect(missing.status == 125 && missing.stderr == "devbox: --project /nonexistent-dir: no such directory; give the path of the project's directory\n")
    }

    @Test("a devbox.toml devbox does not understand stops the run: FILE:LINE, exit 2, nothing runs", arguments: [
        ("image = \"alpine\n", ":1: unterminated string"),
        ("imgae = \"alpine\"\n", ":1: unknown key 'imgae'; devbox.toml takes: image"),
        ("image = 3\n", ":1: 'image' must be a string"),
        ("# x\nimage alpine\n", ":2: expected = after 'image'"),
        ("[build]\n", ":1: unknown table [build]; devbox.toml takes: image, profile"),
    ])
    func badDevboxToml(text: String, message: String) throws {
        let s = try Scratch(Runner.all[0])
        try s.write("devbox.toml", text)
        for extra in [[String](), ["--print-spec"]] {
            let r = try s.devbox(["run", "--rm"] + extra + ["--", "touch", "ran"])
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("devbox: \(s.project.path)/devbox.toml\(message)") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
    }
}
