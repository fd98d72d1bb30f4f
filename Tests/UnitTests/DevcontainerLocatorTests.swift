import Project
import Testing

@Suite("which devcontainer.json a project uses")
struct DevcontainerLocatorTests {
    static let root = "/p"

    /// Locates in a project holding `files` (paths relative to the root).
    static func locate(_ files: [String], config: String? = nil, cwd: String = "/p/sub") throws(DevcontainerLocatorError) -> String? {
        let paths = Set(files.map { root + "/" + $0 })
        return try DevcontainerLocator.locate(
            projectRoot: root, explicit: config, cwd: cwd,
            exists: { paths.contains($0) },
            list: { dir in
                // The entries directly under `dir`, as readdir gives them (unsorted).
                let prefix = dir + "/"
                return Array(Set(paths.filter { $0.hasPrefix(prefix) }.compactMap {
                    $0.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
                })).shuffled()
            })
    }

    @Test("the spec's order: .devcontainer/devcontainer.json, .devcontainer.json, then one named folder", arguments: [
        ([".devcontainer/devcontainer.json", ".devcontainer.json", ".devcontainer/a/devcontainer.json"], "/p/.devcontainer/devcontainer.json"),
        ([".devcontainer.json", ".devcontainer/a/devcontainer.json", ".devcontainer/b/devcontainer.json"], "/p/.devcontainer.json"),
        ([".devcontainer/python/devcontainer.json", ".devcontainer/notes.md", ".devcontainer/empty/README"], "/p/.devcontainer/python/devcontainer.json"),
        ([".devcontainer/Dockerfile"], nil),
        ([], nil),
    ] as [([String], String?)])
    func order(files: [String], found: String?) throws {
        #expect(try Self.locate(files) == found)
    }

    @Test("several named configs and no --config: the user picks, and is told how")
    func several() {
        let files = [".devcontainer/node/devcontainer.json", ".devcontainer/go/devcontainer.json", ".devcontainer/rust/devcontainer.json"]
        #expect(throws: DevcontainerLocatorError.several([".devcontainer/go/devcontainer.json", ".devcontainer/node/devcontainer.json",
                                                          ".devcontainer/rust/devcontainer.json"])) { try Self.locate(files) }
        #expect(DevcontainerLocatorError.several(["a", "b"]).description
            == "the project has several dev container configs (a, b); pick one with --config .devcontainer/NAME/devcontainer.json")
    }

    @Test("--config wins over discovery, relative to the working directory or absolute", arguments: [
        ("../.devcontainer/go/devcontainer.json", "/p/.devcontainer/go/devcontainer.json"),
        ("/p/.devcontainer/node/devcontainer.json", "/p/.devcontainer/node/devcontainer.json"),
        ("./../custom.json", "/p/custom.json"),
    ])
    func explicit(config: String, found: String) throws {
        let files = [".devcontainer/node/devcontainer.json", ".devcontainer/go/devcontainer.json", ".devcontainer/devcontainer.json", "custom.json"]
        #expect(try Self.locate(files, config: config) == found)
    }

    @Test("--config naming no file is an error, not a fallback to discovery")
    func missing() {
        #expect(throws: DevcontainerLocatorError.missing("nope.json")) {
            try Self.locate([".devcontainer/devcontainer.json"], config: "nope.json")
        }
        #expect(DevcontainerLocatorError.missing("nope.json").description == "--config nope.json: no such file; give the path of a devcontainer.json")
    }
}
