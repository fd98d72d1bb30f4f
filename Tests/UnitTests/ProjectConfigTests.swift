import Foundation
import Project
import Testing

@Suite("devbox.toml is read strictly")
struct ProjectConfigTests {
    @Test("image is read; comments and blank lines are fine", arguments: [
        ("image = \"alpine:3.20\"\n", "alpine:3.20"),
        ("# the image\n\nimage = 'docker.io/library/debian:12' # pinned\n", "docker.io/library/debian:12"),
        ("", nil),
    ])
    func reads(text: String, image: String?) throws {
        #expect(try ProjectConfig.parse(text, file: "devbox.toml") == ProjectConfig(image: image))
    }

    @Test("anything not understood is one error line naming file:line", arguments: [
        ("image = \"alpine\n", "devbox.toml:1: unterminated string"),
        ("imag = \"alpine\"\n", "devbox.toml:1: unknown key 'imag'; devbox.toml takes: image"),
        ("image = 3\n", "devbox.toml:1: 'image' must be a string such as \"alpine:3.20\""),
        ("image = [\"a\"]\n", "devbox.toml:1: 'image' must be a string such as \"alpine:3.20\""),
        ("image = \"\"\n", "devbox.toml:1: 'image' must be an image reference such as \"alpine:3.20\""),
        ("image = \"alp ine\"\n", "devbox.toml:1: 'image' must be an image reference such as \"alpine:3.20\""),
        ("# ok\nthis is not toml\n", "devbox.toml:2: expected = after 'this'"),
        ("image = \"a\"\nimage = \"b\"\n", "devbox.toml:2: 'image' is set twice"),
        ("[profile]\nname = \"strict\"\n", "devbox.toml:1: unknown key '[profile]'; devbox.toml takes: image"),
        ("image = \"a\"\n[later]\n", "devbox.toml:2: unknown key '[later]'; devbox.toml takes: image"),
        ("image = \"a\" trailing\n", "devbox.toml:1: unexpected text after the value"),
    ])
    func refuses(text: String, message: String) {
        do {
            _ = try ProjectConfig.parse(text, file: "devbox.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a devbox.toml that exists but cannot be read is an error, not an empty config")
    func unreadable() throws {
        let dir = "/tmp/devbox-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/devbox.toml", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ProjectConfig.ParseError.unreadable(file: dir + "/devbox.toml")) { try ProjectConfig.load(projectRoot: dir) }
        try FileManager.default.removeItem(atPath: dir + "/devbox.toml")
        #expect(try ProjectConfig.load(projectRoot: dir) == nil)
        try FileManager.default.createSymbolicLink(atPath: dir + "/devbox.toml", withDestinationPath: dir + "/nowhere")
        #expect(throws: ProjectConfig.ParseError.unreadable(file: dir + "/devbox.toml")) { try ProjectConfig.load(projectRoot: dir) }
        try FileManager.default.removeItem(atPath: dir + "/devbox.toml")
        try String(repeating: "# pad\n", count: 200_000).write(toFile: dir + "/devbox.toml", atomically: true, encoding: .utf8)
        #expect(throws: ProjectConfig.ParseError.unreadable(file: dir + "/devbox.toml")) { try ProjectConfig.load(projectRoot: dir) }
    }
}
