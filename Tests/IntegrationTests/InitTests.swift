import Foundation
@testable import devbox
import Project
import Testing

/// What `devbox init` writes, read back with the parsers that will read it.
@Suite("devbox init's files")
struct InitTests {
    /// The template with its commented-out examples turned on: the example
    /// lines are `# key = ...`, `# [table]` and the lines of a multi-line
    /// array; prose comments are left as they are.
    static func uncommented(_ text: String) -> String {
        let example = try! Regex(#"^# ([A-Za-z_]+ = |\[[a-z]+\]$|  "|\]$)"#)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.firstMatch(of: example) != nil ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
    }

    static func scratch() throws -> String {
        let dir = "/tmp/devbox-init-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
        return dir
    }

    @Test("the devbox.toml template parses, with and without --image", arguments: [nil, "alpine:3.20", "registry.example:5000/team/img@sha256:" + String(repeating: "a", count: 64)])
    func devboxTomlParses(image: String?) throws {
        let text = InitTemplates.devboxToml(image: image)
        let definition = try ProjectConfig.definition(text, file: "/p/devbox.toml")
        #expect(definition == { var d = EnvironmentDefinition(format: .devboxToml, file: "/p/devbox.toml"); d.updateRemoteUserUID = false; d.image = image; return d }())
    }

    @Test("every key devbox.toml takes is shown, and every example parses once uncommented")
    func examplesParse() throws {
        let text = InitTemplates.devboxToml(image: nil)
        for key in ProjectConfig.keys {
            let shown = key.hasPrefix("[") ? "# \(key)\n" : "# \(key) = "
            #expect(text.contains(shown), "\(key) is not shown")
        }
        let definition = try ProjectConfig.definition(Self.uncommented(text), file: "/p/devbox.toml")
        #expect(definition.image == "debian:bookworm")
        #expect(definition.containerUser == "1000:1000")
        #expect(definition.extraRunFlags == ["--profile", "strict", "-w", "/src", "--network", "none", "--hostname", "dev",
                                             "-v", "/p/build:/build", "-v", "cargo:/usr/local/cargo:ro"])
        #expect(definition.mounts == ["type=bind,source=/p/data,target=/data,readonly", "type=volume,source=cache,target=/var/cache/build"])
        #expect(definition.setup.count == 2)
        #expect(definition.containerEnv == ["RUST_BACKTRACE=1"])
        #expect(definition.tasks.map(\.name) == ["test", "lint"])
    }

    @Test("TOML and JSON strings are escaped so any value reads back as given", arguments: ["plain", "q\"uote", "back\\slash", "tab\tnl\n", "\u{1}\u{7f}", "ünï"])
    func escaping(value: String) throws {
        let toml = try ProjectConfig.definition("[env]\nV = \(InitTemplates.tomlString(value))\n", file: "/p/devbox.toml")
        #expect(toml.containerEnv == ["V=" + value])
        let json = try JSONSerialization.jsonObject(with: Data(InitTemplates.jsonString(value).utf8), options: .fragmentsAllowed)
        #expect(json as? String == value)
    }

    @Test("the devcontainer.json template is JSON once its comments go, and once its examples are uncommented", arguments: [nil, "alpine:3.20"])
    func devcontainerParses(image: String?) throws {
        let text = InitTemplates.devcontainerJSON(name: "my \"proj\"", image: image)
        let lines = text.split(separator: "\n")
        let plain = lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "my \"proj\"")
        #expect(object["image"] as? String == image ?? InitTemplates.devcontainerImage)
        #expect(object.count == 2)

        // VS Code's convention: each example ends in the comma it needs, and
        // uncommenting any of them needs a comma after "image".
        let examples = lines.map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("\"image\"") { return line + "," }
            return trimmed.hasPrefix("// \"") ? String(trimmed.dropFirst(3)) : String(line)
        }.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        let full = try #require(try JSONSerialization.jsonObject(with: Data(examples.utf8)) as? [String: Any])
        #expect(Set(full.keys) == ["name", "image", "remoteUser", "postCreateCommand", "mounts", "containerEnv"])
    }

    @Test("devbox.toml is written once; a second init refuses, --force replaces it whole")
    func writesOnce() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = try InitFile.devboxToml(root: root, image: "alpine:3.20")
        #expect(file.path == root + "/devbox.toml")
        try file.write(force: false)
        #expect(try ProjectConfig.loadDefinition(projectRoot: root)?.image == "alpine:3.20")
        try "image = \"mine\"\n".write(toFile: file.path, atomically: false, encoding: .utf8)
        #expect(throws: InitError.exists(root + "/devbox.toml")) { try InitFile.devboxToml(root: root, image: nil).write(force: false) }
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "image = \"mine\"\n")
        try InitFile.devboxToml(root: root, image: nil).write(force: true)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == InitTemplates.devboxToml(image: nil))
    }

    @Test("a symlink where the file would go is neither followed nor replaced without --force")
    func symlinkInTheWay() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/devbox.toml", withDestinationPath: root + "/elsewhere")
        #expect(throws: InitError.exists(root + "/devbox.toml")) { try InitFile.devboxToml(root: root, image: nil).write(force: false) }
        #expect(!FileManager.default.fileExists(atPath: root + "/elsewhere"))
        try InitFile.devboxToml(root: root, image: nil).write(force: true)
        #expect(!FileManager.default.fileExists(atPath: root + "/elsewhere"))
        #expect((try FileManager.default.attributesOfItem(atPath: root + "/devbox.toml")[.type] as? FileAttributeType) == .typeRegular)
    }

    @Test("devcontainer.json goes in .devcontainer, made if missing")
    func devcontainerFile() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try InitFile.devcontainer(root: root, image: nil).write(force: false)
        let text = try String(contentsOfFile: root + "/.devcontainer/devcontainer.json", encoding: .utf8)
        #expect(text == InitTemplates.devcontainerJSON(name: URL(fileURLWithPath: root).lastPathComponent, image: nil))
        #expect(throws: InitError.exists(root + "/.devcontainer/devcontainer.json")) { try InitFile.devcontainer(root: root, image: nil).write(force: false) }
    }

    @Test("--image must be an image reference", arguments: ["", "a b", "UPPER", "x\ny", "a\"b"])
    func badImage(image: String) {
        #expect(throws: InitError.badImage(image)) { try InitFile.devboxToml(root: "/p", image: image) }
        #expect(throws: InitError.badImage(image)) { try InitFile.devcontainer(root: "/p", image: image) }
    }

    @Test("the wrapper's place: the root by default, a directory gets dev inside, outside the project is refused")
    func wrapperPlace() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        #expect(try InitFile.wrapper(root: root, output: nil, cwd: "/").path == root + "/dev")
        let nested = try InitFile.wrapper(root: root, output: "a/b", cwd: root)
        #expect(nested.path == root + "/a/b/dev")
        #expect(nested.contents.contains("\"$(dirname -- \"$script\")/../..\""))
        #expect(nested.executable)
        #expect(try InitFile.wrapper(root: root, output: "run", cwd: root + "/a").path == root + "/a/run")
        #expect(throws: InitError.outputOutsideProject(output: "/tmp/dev", root: root)) { try InitFile.wrapper(root: root, output: "/tmp/dev", cwd: root) }
        #expect(throws: InitError.outputOutsideProject(output: "../dev", root: root)) { try InitFile.wrapper(root: root, output: "../dev", cwd: root) }
        #expect(throws: InitError.noSuchDirectory(root + "/missing")) { try InitFile.wrapper(root: root, output: "missing/dev", cwd: root) }
    }

    @Test("init with --project writes into that project; flags that do not go together are usage errors")
    func command() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try InitCommand.parse(["--project", root, "--image", "alpine:3.20"]).run()
        #expect(try ProjectConfig.loadDefinition(projectRoot: root)?.image == "alpine:3.20")
        try InitCommand.parse(["--project", root, "--wrapper"]).run()
        #expect(FileManager.default.isExecutableFile(atPath: root + "/dev"))
        for args in [["--devcontainer", "--wrapper"], ["--output", "x"], ["--wrapper", "--image", "alpine"]] {
            #expect(throws: (any Error).self, "\(args)") { try InitCommand.parse(["--project", root] + args) }
        }
    }
}
