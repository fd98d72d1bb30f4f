import ArgumentParser

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine can run devbox sandboxes.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
    }
}
