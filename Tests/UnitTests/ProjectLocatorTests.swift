import Project
import Testing

@Suite("finding the project")
struct ProjectLocatorTests {
    static let homes = ["/home/ada"]

    @Test("the project root is the nearest directory with a marker below home, else the current directory",
          arguments: [
              (["/home/ada/a/b/c/.git"], "/home/ada/a/b/c/d", "/home/ada/a/b/c"),
              (["/home/ada/a/devbox.toml", "/home/ada/a/b/.git"], "/home/ada/a/b/c", "/home/ada/a/b"),
              (["/home/ada/a/.devcontainer"], "/home/ada/a/b", "/home/ada/a"),
              ([], "/home/ada/x/y", "/home/ada/x/y"),
              // A dotfiles repository in home is not everything's project.
              (["/home/ada/.git"], "/home/ada/src/app", "/home/ada/src/app"),
              (["/.git", "/home/.git"], "/home/ada/src", "/home/ada/src"),
              // Outside home, discovery stops at / (an ancestor of home).
              (["/srv/app/.git"], "/srv/app/lib", "/srv/app"),
              (["/.git"], "/srv/app", "/srv/app"),
              ([], "/tmp", "/tmp"),
              (["/home/ada/p/.git"], "/home/ada//p/", "/home/ada/p"),
          ])
    func projectRoot(markers: [String], cwd: String, expected: String) throws {
        let found = try ProjectLocator.locate(from: cwd, homes: Self.homes, exists: { markers.contains($0) })
        #expect(found.root == expected)
    }

    @Test("home, / and the directories above home are refused, markers or not", arguments: [
        ("/home/ada", [String](), "your home directory"),
        ("/home/ada", ["/home/ada/.git"], "your home directory"),
        ("/home/ada/", ["/home/ada/devbox.toml"], "your home directory"),
        ("/home", [], "above your home directory"),
        ("/home", ["/home/.git"], "above your home directory"),
        ("/", [], "the host's root"),
        ("/", ["/.git", "/devbox.toml"], "the host's root"),
    ])
    func refused(cwd: String, markers: [String], what: String) {
        do {
            let p = try ProjectLocator.locate(from: cwd, homes: Self.homes, exists: { markers.contains($0) })
            Issue.record("took \(p.root)")
        } catch {
            let dir = cwd == "/" ? "/" : String(cwd.reversed().drop { $0 == "/" }.reversed())
            #expect(error == .tooBroad(directory: dir, home: "/home/ada"))
            #expect(error.description.hasPrefix("\(dir) is \(what), not a project"))
            #expect(error.description.hasSuffix("or name one with --project DIR"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("every spelling of home counts: $HOME, the passwd entry, a symlinked real path")
    func severalHomes() {
        let homes = ["/home/ada", "/export/home/ada"]
        #expect(throws: ProjectError.self) { try ProjectLocator.locate(from: "/export/home/ada", homes: homes, exists: { _ in false }) }
        #expect(throws: ProjectError.self) { try ProjectLocator.locate(from: "/export", homes: homes, exists: { _ in false }) }
        #expect(throws: ProjectError.self) { try ProjectLocator.locate(from: "/home/ada", homes: homes, exists: { _ in false }) }
    }

    @Test("--project names a directory explicitly, home included", arguments: [
        ("/home/ada", "/work", "/home/ada"),
        ("src/app", "/home/ada", "/home/ada/src/app"),
        ("/", "/tmp", "/"),
    ])
    func named(path: String, cwd: String, expected: String) throws {
        let p = try ProjectLocator.named(path, cwd: cwd, realPath: { $0 }, isDirectory: { _ in true })
        #expect(p.root == expected)
    }

    @Test("--project with something that is not a directory is refused", arguments: ["", "/nope", "file"])
    func namedMissing(path: String) {
        #expect(throws: ProjectError.notADirectory(path)) {
            try ProjectLocator.named(path, cwd: "/w", realPath: { $0 == "/w/file" ? $0 : nil }, isDirectory: { _ in false })
        }
    }
}
