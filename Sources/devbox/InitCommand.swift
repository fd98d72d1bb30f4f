import ArgumentParser
import Platform
import Project

/// `devbox init`: writes a project's files, never touching containers or
/// the store. One file per call: devbox.toml (the default),
/// .devcontainer/devcontainer.json, or the `./dev` wrapper script.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented devbox.toml in the project (or a devcontainer.json, or a ./dev script).",
        discussion: """
            The project is the one `devbox run` would use: the nearest directory upwards holding \
            devbox.toml, .devcontainer or .git, else the current directory, or --project DIR. \
            An existing file is replaced only with --force.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The image the file names. devbox.toml: none by default (the host itself); devcontainer.json: \(InitTemplates.devcontainerImage).", valueName: "REF"))
    var image: String?

    @Flag(help: "Replace the file if it exists.")
    var force = false

    @Option(name: .customLong("project"), help: ArgumentHelp("The project directory, instead of the one found from the current directory.", valueName: "DIR"), completion: .directory)
    var project: String?

    @Flag(help: "Write .devcontainer/devcontainer.json instead of devbox.toml.")
    var devcontainer = false

    @Flag(help: "Write a script for the repository to commit: `./dev` opens a shell in the project's environment, `./dev CMD ARGS...` runs CMD there.")
    var wrapper = false

    @Option(help: ArgumentHelp("Where --wrapper writes the script, inside the project (default: dev in the project's root).", valueName: "PATH"), completion: .file())
    var output: String?

    func validate() throws {
        if devcontainer && wrapper { throw ValidationError("--devcontainer and --wrapper write different files; give one of them") }
        if output != nil && !wrapper { throw ValidationError("--output goes with --wrapper") }
        if image != nil && wrapper { throw ValidationError("--image names the image in devbox.toml or devcontainer.json; the wrapper script has none") }
    }

    func run() throws {
        let host = HostFacts.current(dataRoot: global.dataRoot)
        let root: String
        do { root = try ProjectSelection.resolve(project, host: host).root } catch {
            fail(error, code: ExitStatus.usage)
        }
        do throws(InitError) {
            let file: InitFile
            if wrapper {
                file = try .wrapper(root: root, output: output, cwd: host.cwd)
            } else if devcontainer {
                file = try .devcontainer(root: root, image: image)
            } else {
                file = try .devboxToml(root: root, image: image)
            }
            try file.write(force: force)
            print("wrote \(file.path)")
        } catch {
            fail(error, code: ExitStatus.usage)
        }
    }
}
