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
        let asks = ProjectConsent.weakenings(result.arguments, project: project, host: host)
            + ProjectConsent.hostCommands(definition)
        if ProjectConsent.require(asks, file: definition.file, project: project, dataDir: host.dataDir, allowed: allowWeaker) {
            result.arguments.append("--allow-project-profile")
        }
        if identity { result.arguments = identityFlags(host) + result.arguments }
        return result
    }

    /// The developer's identity in a project environment. By default only
    /// what is harmless: the git author (user.name and user.email from
    /// ~/.gitconfig, passed as GIT_CONFIG_* variables, git 2.31+). The
    /// user's own choice (never the project's) adds the rest:
    /// DEVBOX_FORWARD_AGENT=1 binds the SSH agent's socket at a fixed path
    /// (anything inside can then use the keys), DEVBOX_FORWARD_GITCONFIG=1
    /// the whole ~/.gitconfig read-only as git's system file (it may hold
    /// tokens). DEVBOX_FORWARD_GITCONFIG=0 passes nothing of git's.
    static func identityFlags(_ host: HostFacts) -> [String] {
        var flags: [String] = []
        if host.environment["DEVBOX_FORWARD_AGENT"] == "1", let socket = host.environment["SSH_AUTH_SOCK"], socket.hasPrefix("/"),
           !socket.contains(","), isSocket(socket) {
            flags += ["--mount", "type=bind,source=\(socket),target=\(agentSocket)", "-e", "SSH_AUTH_SOCK=\(agentSocket)"]
        }
        let gitconfig = (host.home == "/" ? "" : host.home) + "/.gitconfig"
        switch host.environment["DEVBOX_FORWARD_GITCONFIG"] {
        case "0":
            break
        case "1" where !gitconfig.contains(",") && FileSystem.isRegularFile(gitconfig):
            flags += ["--mount", "type=bind,source=\(gitconfig),target=\(gitconfigPath),readonly", "-e", "GIT_CONFIG_SYSTEM=\(gitconfigPath)"]
        default:
            let author = GitAuthor.read(FileSystem.read(gitconfig, limit: 1 << 20) ?? "")
            guard !author.isEmpty else { break }
            flags += ["-e", "GIT_CONFIG_COUNT=\(author.count)"]
            for (i, entry) in author.enumerated() {
                flags += ["-e", "GIT_CONFIG_KEY_\(i)=\(entry.key)", "-e", "GIT_CONFIG_VALUE_\(i)=\(entry.value)"]
            }
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
    /// Also returns the definition's image as resolved for its flags, so
    /// the run does not resolve (and lease) it a second time.
    static func applied(_ definition: EnvironmentDefinition, to args: RunArguments, project: Project, host: HostFacts,
                        for command: RunFlag.Commands = .run) -> (RunArguments, ImageRoot?) {
        let (definition, image) = resolved(definition, project: project, host: host, pull: args.pull)
        let flags = runFlags(definition, project: project, host: host, image: image, allowWeaker: args.allowProjectProfile)
        if !flags.ignored.isEmpty {
            printError("devbox: warning: \(definition.file): runArgs devbox does not take, ignored: \(flags.ignored.joined(separator: " "))")
        }
        var merged = RunArguments()
        guard merged.apply(flags: flags.arguments, for: .all).isEmpty else {
            fail(badFlags(flags.arguments, file: definition.file), code: ExitStatus.config)
        }
        merged.apply(flags: args.flagArguments.words, for: command)
        merged.flagArguments = args.flagArguments
        merged.image = args.image
        merged.command = args.command
        merged.remove = args.remove
        merged.detach = args.detach
        merged.name = args.name
        merged.printSpec = args.printSpec
        // A file may not choose a terminal (DefinitionRunFlags.refused).
        merged.tty = args.tty
        merged.interactive = args.interactive
        return (merged, merged.pull == args.pull ? image : nil)
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
        // An image is not trusted with the host's environment: its
        // ${localEnv:...} read nothing (else a label could copy a token
        // into containerEnv).
        var imageContext = context(project, file: definition.file, host: host)
        imageContext.localEnv = [:]
        do {
            return try DevcontainerMetadata.merging(metadataLabel: metadataLabel, into: definition, context: imageContext)
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
        var scratch = RunArguments()
        let bad = scratch.apply(flags: flags, for: .all)
        return "\(file): settings devbox cannot use (as run flags: \(bad.joined(separator: ", "))); fix them in the file"
    }
}
