import ArgumentParser
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine can run devbox sandboxes.",
        discussion: "Prints one line per check, with a fix where something is missing. Exits 0 when devbox can run, 1 when it cannot.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let host = HostFacts.current(dataRoot: global.dataRoot)
        // The overlay probe needs a directory on the filesystem devbox will
        // use for its layers.
        FileSystem.makeDirectories(host.dataDir, mode: 0o700)
        let checks = Doctor.run(scratch: FileSystem.isDirectory(host.dataDir) ? host.dataDir : "/tmp",
                                fallback: LayerPlacement.scratchRoot(dataDir: host.dataDir))
        for check in checks {
            let label = check.status.rawValue
            var line = label + String(repeating: " ", count: max(1, 5 - label.count)) + "\(check.name): \(check.detail)"
            if let fix = check.fix { line += "; fix: \(fix)" }
            print(line)
        }
        if !Doctor.canRun(checks) {
            Glibc.exit(1)
        }
    }
}
