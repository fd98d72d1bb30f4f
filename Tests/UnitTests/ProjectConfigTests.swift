import Foundation
import Project
import Testing

@Suite("devbox.toml is read strictly")
struct ProjectConfigTests {
    static let file = "/work/proj/devbox.toml"
    static let takes = "devbox.toml takes: image, profile, user, workdir, network, hostname, mounts, volumes, setup, [env], [tasks]"

    static func expected(_ change: (inout EnvironmentDefinition) -> Void) -> EnvironmentDefinition {
        var definition = EnvironmentDefinition(format: .devboxToml, file: file)
        definition.updateRemoteUserUID = false
        change(&definition)
        return definition
    }

    @Test("image is read; comments and blank lines are fine", arguments: [
        ("image = \"alpine:3.20\"\n", "alpine:3.20"),
        ("# the image\n\nimage = 'docker.io/library/debian:12' # pinned\n", "docker.io/library/debian:12"),
        ("", nil),
    ])
    func reads(text: String, image: String?) throws {
        #expect(try ProjectConfig.parse(text, file: "devbox.toml") == ProjectConfig(image: image))
        #expect(try ProjectConfig.definition(text, file: Self.file).image == image)
    }

    @Test("an empty file is the host image with devbox.toml's fixed settings")
    func defaults() throws {
        let definition = try ProjectConfig.definition("# nothing\n", file: Self.file)
        #expect(definition == Self.expected { _ in })
        #expect(definition.format == .devboxToml)
        #expect(definition.file == Self.file)
        #expect(definition.image == nil)
        #expect(definition.userEnvProbe == .none)
        #expect(definition.overrideCommand)
        #expect(!definition.updateRemoteUserUID)
        #expect(definition.remoteUser == nil)
    }

    @Test("every key becomes its field or run flags", arguments: [
        ("image = \"alpine:3.20\"", ProjectConfigTests.expected { $0.image = "alpine:3.20" }),
        ("profile = \"strict\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--profile", "strict"] }),
        ("profile = \"my-tight.v2\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--profile", "my-tight.v2"] }),
        ("user = \"dev\"", ProjectConfigTests.expected { $0.containerUser = "dev" }),
        ("user = \"1000:1000\"", ProjectConfigTests.expected { $0.containerUser = "1000:1000" }),
        ("workdir = \"/src/app\"", ProjectConfigTests.expected { $0.extraRunFlags = ["-w", "/src/app"] }),
        ("workdir = \"/\"", ProjectConfigTests.expected { $0.extraRunFlags = ["-w", "/"] }),
        ("network = \"none\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--network", "none"] }),
        ("network = \"host\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--network", "host"] }),
        ("hostname = \"dev.box-1\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--hostname", "dev.box-1"] }),
        ("setup = \"make deps\"", ProjectConfigTests.expected { $0.setup = ["make deps"] }),
        ("setup = [\"apt-get update\", \"apt-get install -y jq\"]", ProjectConfigTests.expected { $0.setup = ["apt-get update", "apt-get install -y jq"] }),
        ("setup = []", ProjectConfigTests.expected { _ in }),
        ("mounts = [\"type=bind,source=/srv/data,target=/data,readonly\"]", ProjectConfigTests.expected { $0.mounts = ["type=bind,source=/srv/data,target=/data,readonly"] }),
        ("mounts = [\"type=volume,source=cache,target=/cache\", \"type=tmpfs,target=/scratch\"]",
         ProjectConfigTests.expected { $0.mounts = ["type=volume,source=cache,target=/cache", "type=tmpfs,target=/scratch"] }),
        ("volumes = [\"/srv/data:/data:ro\", \"cache:/cache\", \"/anon\"]",
         ProjectConfigTests.expected { $0.extraRunFlags = ["-v", "/srv/data:/data:ro", "-v", "cache:/cache", "-v", "/anon"] }),
        ("[env]\nB = \"2\"\nA = \"x y=z\"\nEMPTY = \"\"\n_u9 = 'lit'", ProjectConfigTests.expected { $0.containerEnv = ["B=2", "A=x y=z", "EMPTY=", "_u9=lit"] }),
        ("[env]", ProjectConfigTests.expected { _ in }),
        ("[tasks]\ntest = \"make test\"\nbuild = \"make\"\n\"lint.all\" = \"make lint\"\nx-1_ = \"true\"",
         ProjectConfigTests.expected { $0.tasks = [.init(name: "test", command: "make test"), .init(name: "build", command: "make"),
                                .init(name: "lint.all", command: "make lint"), .init(name: "x-1_", command: "true")] }),
        ("network = \"none\"\nprofile = \"strict\"\nhostname = \"h\"", ProjectConfigTests.expected { $0.extraRunFlags = ["--network", "none", "--profile", "strict", "--hostname", "h"] }),
    ])
    func keys(text: String, definition: EnvironmentDefinition) throws {
        #expect(try ProjectConfig.definition(text + "\n", file: Self.file) == definition)
    }

    @Test("relative sources are taken from the project root and made absolute", arguments: [
        ("volumes = [\"./cache:/cache\"]", ["-v", "/work/proj/cache:/cache"], [String]()),
        ("volumes = [\".:/src:ro\"]", ["-v", "/work/proj:/src:ro"], []),
        ("volumes = [\"../shared/x:/x\"]", ["-v", "/work/shared/x:/x"], []),
        ("volumes = [\"sub/dir:/d:rw\"]", ["-v", "/work/proj/sub/dir:/d:rw"], []),
        ("volumes = [\"../../../../etc:/e\"]", ["-v", "/etc:/e"], []),
        ("mounts = [\"type=bind,source=data,target=/data\"]", [], ["type=bind,source=/work/proj/data,target=/data"]),
        ("mounts = [\"type=bind,src=./a/../b,dst=/b,ro\"]", [], ["type=bind,src=/work/proj/b,dst=/b,ro"]),
        ("mounts = [\"target=/t,type=bind,source=.\"]", [], ["target=/t,type=bind,source=/work/proj"]),
    ])
    func relativeSources(text: String, flags: [String], mounts: [String]) throws {
        let definition = try ProjectConfig.definition(text + "\n", file: Self.file)
        #expect(definition.extraRunFlags == flags)
        #expect(definition.mounts == mounts)
    }

    @Test("a multi-line array with comments is read; the next key keeps its line")
    func multiLine() throws {
        let text = """
        setup = [
          "make deps",   # fetch
          # nothing here
          "make",
        ]
        image = 3
        """
        #expect(throws: ConfigError(file: Self.file, line: 6, message: "'image' must be a string such as \"alpine:3.20\"")) {
            try ProjectConfig.definition(text, file: Self.file)
        }
        #expect(try ProjectConfig.definition(String(text.dropLast(10)), file: Self.file).setup == ["make deps", "make"])
    }

    @Test("anything not understood is one error line naming file:line", arguments: [
        // syntax
        ("image = \"alpine\n", "devbox.toml:1: unterminated string"),
        ("# ok\nthis is not toml\n", "devbox.toml:2: expected = after 'this'"),
        ("image = \"a\"\nimage = \"b\"\n", "devbox.toml:2: 'image' is set twice"),
        ("image = \"a\" trailing\n", "devbox.toml:1: unexpected text after the value"),
        ("env = { A = \"1\" }\n", "devbox.toml:1: inline tables ({...}) are not supported; use a [table]"),
        // unknown keys and tables
        ("imag = \"alpine\"\n", "devbox.toml:1: unknown key 'imag'; \(ProjectConfigTests.takes)"),
        ("remote_user = \"dev\"\n", "devbox.toml:1: unknown key 'remote_user'; \(ProjectConfigTests.takes)"),
        ("\n\n\nprofiles = \"x\"\n", "devbox.toml:4: unknown key 'profiles'; \(ProjectConfigTests.takes)"),
        ("[profile]\nname = \"strict\"\n", "devbox.toml:1: unknown table [profile]; \(ProjectConfigTests.takes)"),
        ("image = \"a\"\n[later]\n", "devbox.toml:2: unknown table [later]; \(ProjectConfigTests.takes)"),
        ("[env.sub]\nA = \"1\"\n", "devbox.toml:1: unknown table [env.sub]; \(ProjectConfigTests.takes)"),
        ("imag = 1\n[bad]\n", "devbox.toml:1: unknown key 'imag'; \(ProjectConfigTests.takes)"),
        ("[tasks]\nt = \"x\"\n[bad]\nimage = \"a\"\n", "devbox.toml:3: unknown table [bad]; \(ProjectConfigTests.takes)"),
        // wrong types
        ("image = 3\n", "devbox.toml:1: 'image' must be a string such as \"alpine:3.20\""),
        ("image = [\"a\"]\n", "devbox.toml:1: 'image' must be a string such as \"alpine:3.20\""),
        ("profile = true\n", "devbox.toml:1: 'profile' must be a string such as \"strict\""),
        ("user = 1000\n", "devbox.toml:1: 'user' must be a string such as \"1000\" or \"dev:dev\""),
        ("workdir = [\"/a\"]\n", "devbox.toml:1: 'workdir' must be a string such as \"/src\""),
        ("network = false\n", "devbox.toml:1: 'network' must be \"host\" or \"none\""),
        ("hostname = 1\n", "devbox.toml:1: 'hostname' must be a string such as \"dev\""),
        ("mounts = \"type=bind,source=/a,target=/b\"\n", "devbox.toml:1: 'mounts' must be an array of --mount strings such as [\"type=bind,source=./data,target=/data\"]"),
        ("mounts = [1]\n", "devbox.toml:1: 'mounts' must be an array of --mount strings such as [\"type=bind,source=./data,target=/data\"]"),
        ("volumes = \"/a:/b\"\n", "devbox.toml:1: 'volumes' must be an array of -v strings such as [\"./cache:/cache\", \"name:/data:ro\"]"),
        ("volumes = [[\"/a:/b\"]]\n", "devbox.toml:1: 'volumes' must be an array of -v strings such as [\"./cache:/cache\", \"name:/data:ro\"]"),
        ("setup = 1\n", "devbox.toml:1: 'setup' must be a command string or an array of them, such as [\"make deps\"]"),
        ("setup = [\"a\", 2]\n", "devbox.toml:1: 'setup' must be a command string or an array of them, such as [\"make deps\"]"),
        ("env = \"A=1\"\n", "devbox.toml:1: 'env' must be a table: write [env] and then NAME = \"...\" lines under it"),
        ("tasks = [\"make\"]\n", "devbox.toml:1: 'tasks' must be a table: write [tasks] and then NAME = \"...\" lines under it"),
        ("[env]\nPORT = 8080\n", "devbox.toml:2: 'env.PORT' must be a string: PORT = \"value\""),
        ("[env]\nDEBUG = true\n", "devbox.toml:2: 'env.DEBUG' must be a string: DEBUG = \"value\""),
        ("[tasks]\ntest = [\"make\", \"test\"]\n", "devbox.toml:2: 'tasks.test' must be a shell command string such as test = \"make test\""),
        // empty or meaningless values
        ("image = \"\"\n", "devbox.toml:1: 'image' must be an image reference such as \"alpine:3.20\""),
        ("image = \"alp ine\"\n", "devbox.toml:1: 'image' must be an image reference such as \"alpine:3.20\""),
        ("profile = \"\"\n", "devbox.toml:1: 'profile' must be a profile name such as \"strict\" (letters, digits, '_', '.', '-'; not a path)"),
        ("profile = \"../../etc/p.toml\"\n", "devbox.toml:1: 'profile' must be a profile name such as \"strict\" (letters, digits, '_', '.', '-'; not a path)"),
        ("profile = \"/tmp/p.toml\"\n", "devbox.toml:1: 'profile' must be a profile name such as \"strict\" (letters, digits, '_', '.', '-'; not a path)"),
        ("profile = \"--privileged\"\n", "devbox.toml:1: 'profile' must be a profile name such as \"strict\" (letters, digits, '_', '.', '-'; not a path)"),
        ("user = \"\"\n", "devbox.toml:1: 'user' must be a user such as \"dev\", \"1000\" or \"dev:dev\" (name[:group])"),
        ("user = \"dev:\"\n", "devbox.toml:1: 'user' must be a user such as \"dev\", \"1000\" or \"dev:dev\" (name[:group])"),
        ("user = \"a:b:c\"\n", "devbox.toml:1: 'user' must be a user such as \"dev\", \"1000\" or \"dev:dev\" (name[:group])"),
        ("user = \"d ev\"\n", "devbox.toml:1: 'user' must be a user such as \"dev\", \"1000\" or \"dev:dev\" (name[:group])"),
        ("workdir = \"\"\n", "devbox.toml:1: 'workdir' must be an absolute path inside the container such as \"/src\""),
        ("workdir = \"src\"\n", "devbox.toml:1: 'workdir' must be an absolute path inside the container such as \"/src\""),
        ("workdir = \"/a\\nb\"\n", "devbox.toml:1: 'workdir' must be an absolute path inside the container such as \"/src\""),
        ("network = \"\"\n", "devbox.toml:1: 'network' must be \"host\" or \"none\""),
        ("network = \"bridge\"\n", "devbox.toml:1: 'network' must be \"host\" or \"none\""),
        ("hostname = \"\"\n", "devbox.toml:1: 'hostname' must be a host name such as \"dev\" (letters, digits, '-' and '.', at most 64 characters)"),
        ("hostname = \"-x\"\n", "devbox.toml:1: 'hostname' must be a host name such as \"dev\" (letters, digits, '-' and '.', at most 64 characters)"),
        ("hostname = \"\(String(repeating: "h", count: 65))\"\n", "devbox.toml:1: 'hostname' must be a host name such as \"dev\" (letters, digits, '-' and '.', at most 64 characters)"),
        ("setup = \"\"\n", "devbox.toml:1: 'setup' must be a command string or an array of them, such as [\"make deps\"], none of them empty"),
        ("setup = [\"make\", \"  \"]\n", "devbox.toml:1: 'setup' must be a command string or an array of them, such as [\"make deps\"], none of them empty"),
        ("[tasks]\ntest = \"\"\n", "devbox.toml:2: 'tasks.test' must be a shell command string such as test = \"make test\""),
        ("mounts = [\"\"]\n", "devbox.toml:1: 'mounts' item 1: invalid --mount '': no destination (dst=/path); write type=bind|volume|tmpfs,src=SRC,dst=DST[,ro]"),
        ("volumes = [\"/a:/a\", \"\"]\n", "devbox.toml:1: 'volumes' item 2: invalid volume ''; use SRC:DST or SRC:DST:ro"),
        // names
        ("[env]\n1X = \"a\"\n", "devbox.toml:2: '1X' in [env] is not a variable name; use letters, digits and '_', not starting with a digit"),
        ("[env]\n\"A-B\" = \"a\"\n", "devbox.toml:2: 'A-B' in [env] is not a variable name; use letters, digits and '_', not starting with a digit"),
        ("[env]\n\"A=B\" = \"a\"\n", "devbox.toml:2: 'A=B' in [env] is not a variable name; use letters, digits and '_', not starting with a digit"),
        ("[env]\n\"\" = \"a\"\n", "devbox.toml:2: '' in [env] is not a variable name; use letters, digits and '_', not starting with a digit"),
        ("[tasks]\n-x = \"a\"\n", "devbox.toml:2: '-x' in [tasks] is not a task name; use letters, digits, '_', '.' and '-', not starting with '-'"),
        ("[tasks]\n\"a b\" = \"a\"\n", "devbox.toml:2: 'a b' in [tasks] is not a task name; use letters, digits, '_', '.' and '-', not starting with '-'"),
        ("[tasks]\n\"\" = \"a\"\n", "devbox.toml:2: '' in [tasks] is not a task name; use letters, digits, '_', '.' and '-', not starting with '-'"),
        ("[tasks]\n\"a/b\" = \"a\"\n", "devbox.toml:2: 'a/b' in [tasks] is not a task name; use letters, digits, '_', '.' and '-', not starting with '-'"),
        // mount and volume values, checked by run's own parsers
        ("mounts = [\n\"type=bind,source=/a,target=/b\",\n\"type=bind,target=/c\",\n]\n",
         "devbox.toml:1: 'mounts' item 2: invalid --mount 'type=bind,target=/c': a bind needs src=PATH; write type=bind|volume|tmpfs,src=SRC,dst=DST[,ro]"),
        ("mounts = [\"type=bind,source=/a,target=rel\"]\n",
         "devbox.toml:1: 'mounts' item 1: volume destination 'rel' must be an absolute path inside the container, not / and without '..' above /; write it as /path/in/container"),
        ("mounts = [\"type=nfs,target=/a\"]\n",
         "devbox.toml:1: 'mounts' item 1: invalid --mount 'type=nfs,target=/a': type 'nfs' is not bind, volume or tmpfs; write type=bind|volume|tmpfs,src=SRC,dst=DST[,ro]"),
        ("volumes = [\"/a:/b:rx\"]\n", "devbox.toml:1: 'volumes' item 1: invalid volume '/a:/b:rx'; use SRC:DST or SRC:DST:ro"),
        ("volumes = [\"./a:b\"]\n",
         "devbox.toml:1: 'volumes' item 1: volume destination 'b' must be an absolute path inside the container, not / and without '..' above /; write it as /path/in/container"),
        ("volumes = [\"bad name!:/b\"]\n",
         "devbox.toml:1: 'volumes' item 1: invalid volume name 'bad name!'; use letters, digits, '_', '.' and '-', starting with a letter or digit"),
    ])
    func refuses(text: String, message: String) {
        do {
            _ = try ProjectConfig.definition(text, file: "devbox.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a project root that --mount or -v cannot spell is refused, with the other syntax offered")
    func unspellableRoot() {
        #expect(throws: ConfigError(file: "/a,b/devbox.toml", line: 1, message: "'mounts' item 1: the source /a,b/d holds a ',', which --mount cannot express; use volumes = [\"d:/d\"]")) {
            try ProjectConfig.definition("mounts = [\"type=bind,source=d,target=/d\"]\n", file: "/a,b/devbox.toml")
        }
        #expect(throws: ConfigError(file: "/a:b/devbox.toml", line: 1, message: "'volumes' item 1: the source /a:b/d holds a ':', which -v cannot express; use mounts = [\"type=bind,source=./d,target=/d\"]")) {
            try ProjectConfig.definition("volumes = [\"./d:/d\"]\n", file: "/a:b/devbox.toml")
        }
    }

    @Test("hostile text: NUL and escape bytes anywhere are errors on their line", arguments: [
        ("image = \"a\u{0}b\"\n", 1),
        ("\n[env]\nA = \"x\u{0}\"\n", 3),
        ("# fine\n# hidden \u{0} byte\n", 2),
        ("image\u{0} = \"a\"\n", 1),
        ("\u{0}\n", 1),
        ("image = \"a\" # \u{1b}]0;title\u{7}\n", 1),
        ("[tasks]\nt = \"echo \\u0000\"\n", 2),
        ("setup = [\n\"ok\",\n\"a\u{0}\"]\n", 3),
    ])
    func hostileBytes(text: String, line: Int) {
        do {
            _ = try ProjectConfig.definition(text, file: "devbox.toml")
            Issue.record("accepted: \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("devbox.toml:\(line): "))
        }
    }

    @Test("very long arrays are read whole and in order")
    func longArrays() throws {
        let count = 20_000
        let volumes = (0..<count).map { "\"v\($0):/mnt/\($0)\"" }.joined(separator: ",\n")
        let setup = (0..<count).map { "\"step \($0)\"" }.joined(separator: ", ")
        let definition = try ProjectConfig.definition("volumes = [\n\(volumes)\n]\nsetup = [\(setup)]\n", file: Self.file)
        #expect(definition.extraRunFlags.count == 2 * count)
        #expect(definition.extraRunFlags.suffix(2) == ["-v", "v\(count - 1):/mnt/\(count - 1)"])
        #expect(definition.setup.count == count)
        #expect(definition.setup.last == "step \(count - 1)")
    }

    @Test("the example in docs/DEVBOX-TOML.md is read as the doc describes it")
    func documentedExample() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: docs.appendingPathComponent("docs/DEVBOX-TOML.md"), encoding: .utf8)
        let example = try #require(text.components(separatedBy: "```toml\n").dropFirst().first?.components(separatedBy: "```").first)
        let definition = try ProjectConfig.definition(example, file: "/src/app/devbox.toml")
        #expect(definition.image == "debian:bookworm")
        #expect(definition.containerUser == "1000:1000")
        #expect(definition.extraRunFlags == ["--profile", "strict", "-w", "/src", "--network", "none", "--hostname", "builder",
                                             "-v", "cargo:/usr/local/cargo", "-v", "/src/app/build:/build"])
        #expect(definition.mounts == ["type=bind,source=/src/app/data,target=/data,readonly", "type=tmpfs,target=/scratch"])
        #expect(definition.setup.count == 2)
        #expect(definition.containerEnv == ["RUST_BACKTRACE=1", "PORT=8080"])
        #expect(definition.tasks.map(\.name) == ["test", "lint.all"])
    }

    @Test("a devbox.toml that exists but cannot be read is an error, not an empty config")
    func unreadable() throws {
        let dir = "/tmp/devbox-config-\(UUID().uuidString.prefix(8))"
        let file = dir + "/devbox.toml"
        try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unreadable = ConfigError(file: file, line: 0, message: "cannot be read; make it a readable file or remove it")
        #expect(throws: unreadable) { try ProjectConfig.load(projectRoot: dir) }
        #expect(throws: unreadable) { try ProjectConfig.loadDefinition(projectRoot: dir) }
        try FileManager.default.removeItem(atPath: file)
        #expect(try ProjectConfig.load(projectRoot: dir) == nil)
        #expect(try ProjectConfig.loadDefinition(projectRoot: dir) == nil)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: dir + "/nowhere")
        #expect(throws: unreadable) { try ProjectConfig.loadDefinition(projectRoot: dir) }
        try FileManager.default.removeItem(atPath: file)
        try Data([0x69, 0x6d, 0x61, 0x67, 0x65, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]).write(to: URL(fileURLWithPath: file))
        #expect(throws: ConfigError(file: file, line: 0, message: "is not UTF-8 text; save it as UTF-8")) { try ProjectConfig.loadDefinition(projectRoot: dir) }
    }

    @Test("the 1 MiB limit: a file of exactly 1 MiB is read, one byte more is refused")
    func sizeLimit() throws {
        let dir = "/tmp/devbox-config-\(UUID().uuidString.prefix(8))"
        let file = dir + "/devbox.toml"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let head = "image = \"alpine:3.20\"\n"
        let pad = String(repeating: "#", count: ProjectConfig.sizeLimit - head.utf8.count - 1) + "\n"
        try (head + pad).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ProjectConfig.loadDefinition(projectRoot: dir)?.image == "alpine:3.20")
        #expect(try ProjectConfig.load(projectRoot: dir) == ProjectConfig(image: "alpine:3.20"))
        try (head + pad + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let tooBig = ConfigError(file: file, line: 0, message: "is over 1 MiB, which no settings file needs; shorten it or remove it")
        #expect(throws: tooBig) { try ProjectConfig.loadDefinition(projectRoot: dir) }
        #expect(throws: tooBig) { try ProjectConfig.load(projectRoot: dir) }
    }

    @Test("loadDefinition names the file by its absolute path and resolves sources under the root")
    func loadsFromRoot() throws {
        let dir = "/tmp/devbox-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "volumes = [\"./cache:/cache\"]\n[tasks]\nt = \"true\"\n".write(toFile: dir + "/devbox.toml", atomically: true, encoding: .utf8)
        let definition = try #require(try ProjectConfig.loadDefinition(projectRoot: dir))
        #expect(definition.file == dir + "/devbox.toml")
        #expect(definition.extraRunFlags == ["-v", dir + "/cache:/cache"])
        #expect(definition.tasks == [.init(name: "t", command: "true")])
    }
}
