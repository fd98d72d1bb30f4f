import ImageStore
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// The project's environment definition: devbox.toml, else the
/// devcontainer.json the spec's search finds (or `--config` names). When
/// both exist devbox.toml wins, and devbox says so once per project.
enum ProjectDefinitions {
    /// nil: the project has neither file. A file devbox cannot read or
    /// understand ends the command with file:line (exit 2).
    static func load(_ project: Project, configFile: String?, host: HostFacts) -> EnvironmentDefinition? {
        do throws(ConfigError) {
            return try loadThrowing(project, configFile: configFile, host: host)
        } catch {
            fail(error, code: ExitStatus.config)
        }
    }

    static func loadThrowing(_ project: Project, configFile: String?, host: HostFacts) throws(ConfigError) -> EnvironmentDefinition? {
        // `--config` names the devcontainer.json: the user's choice wins.
        let toml = configFile == nil ? try ProjectConfig.loadDefinition(projectRoot: project.root) : nil
        let devcontainer: String?
        do {
            devcontainer = try DevcontainerLocator.locate(projectRoot: project.root, explicit: configFile, cwd: host.cwd,
                                                          exists: FileSystem.exists, list: FileSystem.list)
        } catch {
            guard toml == nil else { return toml }
            throw ConfigError(file: project.root + "/.devcontainer", line: 0, message: error.description)
        }
        if let toml {
            if let devcontainer { noteBothOnce(project, devcontainer: devcontainer, dataDir: host.dataDir) }
            return toml
        }
        guard let devcontainer else { return nil }
        return try DevcontainerParser.load(file: devcontainer, context: context(project, file: devcontainer, host: host))
    }

    static func context(_ project: Project, file: String, host: HostFacts) -> DevcontainerContext {
        DevcontainerContext(projectRoot: project.root, localEnv: host.environment, configFile: file)
    }

    /// devbox.toml wins over a devcontainer.json; said once per project,
    /// not on every run (`projects/<id>.both`).
    static func noteBothOnce(_ project: Project, devcontainer: String, dataDir: String) {
        let marker = dataDir + "/projects/" + project.id + ".both"
        guard !FileSystem.exists(marker) else { return }
        printError("devbox: note: \(project.root) has both devbox.toml and \(devcontainer); devbox.toml is used "
                   + "(name the other with --config to use it)")
        if FileSystem.makeDirectories(dataDir + "/projects", mode: 0o700) {
            _ = FileSystem.writeAtomically(marker, contents: devcontainer + "\n", mode: 0o600)
        }
    }

    /// The definition with its image resolved (pulled if missing) and the
    /// image's `devcontainer.metadata` merged under the file's settings.
    static func resolved(_ definition: EnvironmentDefinition, project: Project, host: HostFacts,
                         pull: RunOptions.PullPolicy = .missing) -> (EnvironmentDefinition, ImageRoot?) {
        guard let reference = definition.image else { return (definition, nil) }
        let image = ImageSelection.resolve(reference, pull: pull, project: project, host: host)
        guard let label = image?.config.Labels?[RunCard.metadataLabel] else { return (definition, image) }
        return (merge(metadataLabel: label, into: definition, project: project, host: host), image)
    }

    /// The definition's settings as run flags, with the keep-id mapping
    /// updateRemoteUserUID asks for (the image is resolved to know the
    /// remote user's ids). `up` and `run` both plan from these, so a run
    /// in the project joins the environment `up` started.
    /// `identity`: forward the developer's identity (a project with a
    /// config file; see identityFlags).
    static func runFlags(_ definition: EnvironmentDefinition, project: Project, host: HostFacts,
                         image: ImageRoot?, identity: Bool = true, allowWeaker: Bool) -> DefinitionRunFlags.Result {
        let keepID = EnvironmentUp.keepIDMapping(definition, image: image, host: host)
        var result = DefinitionRunFlags.arguments(definition, projectRoot: project.root, keepID: keepID)
        ProjectConsent.require(ProjectConsent.weakenings(result.arguments, project: project, host: host), file: definition.file,
                               project: project, dataDir: host.dataDir, allowed: allowWeaker)
        if identity { result.arguments = identityFlags(host) + result.arguments }
        return result
    }

    /// The developer's identity in a project environment: the SSH agent
    /// (the socket at a fixed path, SSH_AUTH_SOCK pointing at it) and the
    /// host's git identity (~/.gitconfig, read-only, as git's system-level
    /// file, so the user's own ~/.gitconfig inside stays theirs to write).
    /// DEVBOX_FORWARD_AGENT=0 and DEVBOX_FORWARD_GITCONFIG=0 turn them off.
    static func identityFlags(_ host: HostFacts) -> [String] {
        var flags: [String] = []
        if host.environment["DEVBOX_FORWARD_AGENT"] != "0", let socket = host.environment["SSH_AUTH_SOCK"], socket.hasPrefix("/"),
           !socket.contains(","), isSocket(socket) {
            flags += ["--mount", "type=bind,source=\(socket),target=\(agentSocket)", "-e", "SSH_AUTH_SOCK=\(agentSocket)"]
        }
        let gitconfig = (host.home == "/" ? "" : host.home) + "/.gitconfig"
        if host.environment["DEVBOX_FORWARD_GITCONFIG"] != "0", !gitconfig.contains(","), FileSystem.isRegularFile(gitconfig) {
            flags += ["--mount", "type=bind,source=\(gitconfig),target=\(gitconfigPath),readonly", "-e", "GIT_CONFIG_SYSTEM=\(gitconfigPath)"]
        }
        return flags
    }

    static let agentSocket = "/run/devbox/ssh-agent.sock"
    static let gitconfigPath = "/run/devbox/gitconfig"

    static func isSocket(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    /// `args` with the definition's flags under the command line's own:
    /// the definition's flags are parsed first, the user's again after
    /// them. What the caller set outside the flags (the command, `--rm`
    /// turned off for a named container) is kept as it is.
    static func applied(_ definition: EnvironmentDefinition, to args: RunArguments, project: Project, host: HostFacts,
                        for command: RunFlag.Commands = .run) -> RunArguments {
        let (definition, image) = resolved(definition, project: project, host: host, pull: args.pull)
        let flags = runFlags(definition, project: project, host: host, image: image, allowWeaker: args.allowProjectProfile)
        if !flags.ignored.isEmpty {
            printError("devbox: warning: \(definition.file): runArgs devbox does not take, ignored: \(flags.ignored.joined(separator: " "))")
        }
        var merged = RunArguments()
        var words = flags.arguments
        var i = 0
        while i < words.count {
            let start = i
            i += 1
            guard RunArguments.take(words[start], words, &i, into: &merged, for: .all) == true else {
                fail(badFlags(flags.arguments, file: definition.file), code: ExitStatus.config)
            }
        }
        words = args.flagArguments.words
        i = 0
        while i < words.count {
            let start = i
            i += 1
            _ = RunArguments.take(words[start], words, &i, into: &merged, for: command)
        }
        merged.flagArguments = args.flagArguments
        merged.image = args.image
        merged.command = args.command
        merged.remove = args.remove
        merged.detach = args.detach
        merged.name = args.name
        merged.printSpec = args.printSpec
        return merged
    }

    /// The files' identity (path, inode, size, mtime): a later exec knows
    /// from one stat each whether what `up` settled still holds.
    static func stamp(_ project: Project, definition: EnvironmentDefinition?) -> String {
        var files = [project.root + "/devbox.toml", project.root + "/.devcontainer/devcontainer.json", project.root + "/.devcontainer.json"]
        if let file = definition?.file, !files.contains(file) { files.append(file) }
        return files.map { path -> String in
            var st = stat()
            guard stat(path, &st) == 0 else { return path + ":-" }
            return "\(path):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }.joined(separator: "|")
    }

    /// An image's `devcontainer.metadata` label under the file's settings.
    static func merge(metadataLabel: String, into definition: EnvironmentDefinition, project: Project,
                      host: HostFacts) -> EnvironmentDefinition {
        // devbox.toml is devbox's own, complete description: only a
        // devcontainer.json takes settings from the image's label.
        guard definition.format == .devcontainer else { return definition }
        do {
            return try DevcontainerMetadata.merging(metadataLabel: metadataLabel, into: definition,
                                                    context: context(project, file: definition.file, host: host))
        } catch {
            fail(error, code: ExitStatus.config)
        }
    }

    /// `${containerEnv:VAR}` in a remoteEnv value, from the running container.
    static func resolveContainerEnv(_ entry: String, containerEnv: [String: String]) -> String {
        DevcontainerVariables.resolveContainerEnv(entry, containerEnv: containerEnv)
    }

    /// The definition's flags that `devbox run` refuses, for the error.
    static func badFlags(_ flags: [String], file: String) -> String {
        var bad: [String] = []
        var i = 0
        while i < flags.count {
            let start = i
            var scratch = RunArguments()
            i += 1
            if RunArguments.take(flags[start], flags, &i, into: &scratch, for: .run) != true {
                bad.append(flags[start..<max(i, start + 1)].joined(separator: " "))
                i = max(i, start + 1)
            }
        }
        return "\(file): settings devbox cannot use (as run flags: \(bad.joined(separator: ", "))); fix them in the file"
    }
}
