import Foundation
import Profiles
import Testing

@Suite("profiles: TOML, parsing, extends")
struct ProfileUnitTests {
    @Test("extends: lists add up, scalars and keep replace, drops apply")
    func extends() throws {
        let dir = "/tmp/devbox-profiles-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "extends = \"default\"\nnetwork = \"none\"\n[capabilities]\nadd = [\"net_admin\"]\ndrop = [\"CAP_MKNOD\"]\n[paths]\nmasked = [\"/proc/x\"]\n"
            .write(toFile: dir + "/mine.toml", atomically: true, encoding: .utf8)
        let p = try ProfileResolver(userDirectory: dir).resolve("mine")
        #expect(p.network == "none" && p.noNewPrivileges)
        #expect(p.capabilities.contains("CAP_NET_ADMIN") && !p.capabilities.contains("CAP_MKNOD") && p.capabilities.contains("CAP_CHOWN"))
        #expect(p.maskedPaths.contains("/proc/kcore") && p.maskedPaths.contains("/proc/x"))
    }

    @Test("the shipped profiles are the files in profiles/ (run `make profiles` after editing them)")
    func embeddedMatchFiles() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("profiles")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".toml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinProfiles.sources.keys))
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            #expect(BuiltinProfiles.sources[String(file.dropLast(5))] == text)
        }
    }

    @Test("the precompiled built-in profiles are what the parser reads from their text (run `make profiles`)")
    func precompiledMatchParser() throws {
        for (name, text) in BuiltinProfiles.sources {
            let parsed = try ProfileParser.parse(text, file: "profiles/\(name).toml")
            #expect(BuiltinProfiles.file(name) == parsed, "\(name)")
        }
        #expect(BuiltinProfiles.file("nonexistent") == nil)
    }

    @Test("every shipped profile resolves", arguments: ["default", "strict", "build", "unconfined"])
    func shipped(name: String) throws {
        let p = try ProfileResolver().resolve(name)
        #expect(p.name == name)
        if name == "strict" { #expect(p.capabilities.isEmpty && p.readOnlyRoot && !p.nestedUserNamespaces) }
        if name == "unconfined" { #expect(p.capabilities.count == CapabilityName.known.count && p.maskedPaths.isEmpty) }
    }
}
