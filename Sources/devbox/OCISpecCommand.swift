import ArgumentParser
import CLibcap
import OCI
import Platform
import Runtime
#if canImport(Glibc)
import Glibc
#endif

struct OCISpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spec", abstract: "Write a config.json template (as `runc spec` does).")
    @Flag(help: "A spec for an unprivileged user: a user namespace mapping you to root.") var rootless = false
    @Option(name: [.short, .customLong("bundle")], help: ArgumentHelp("Where to write config.json (default: the current directory).", valueName: "DIR"))
    var bundle = "."

    func run() throws {
        let path = bundle + "/config.json"
        if FileSystem.exists(path) { fail("\(path) exists; remove it first", code: ExitStatus.error) }
        let spec = OCISpecTemplate.make(rootless: rootless, uid: getuid(), gid: getgid())
        guard FileSystem.writeAtomically(path, contents: try jsonText(spec) + "\n", mode: 0o644) else {
            fail("cannot write \(path): \(String(cString: strerror(errno)))", code: ExitStatus.error)
        }
    }
}

struct OCIFeatures: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "features", abstract: "Print what this runtime implements (runtime-spec features.md).")

    func run() throws {
        var names: [String] = []
        var cap: cap_value_t = 0
        while cap < 64, let name = cap_to_name(cap) {
            let text = String(cString: name)
            cap_free(name)
            if Int(text) != nil { break }  // libcap prints unknown numbers as digits
            names.append(text.uppercased())
            cap += 1
        }
        print(try jsonText(OCISpecTemplate.features(capabilities: names)))
    }
}
