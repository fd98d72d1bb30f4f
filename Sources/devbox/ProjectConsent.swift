import Platform
import Profiles
import Project
#if canImport(Glibc)
import Glibc
#endif

/// A project's config is not trusted (docs/TRUST.md): what it asks that
/// would make the sandbox weaker than `devbox run` alone — capabilities,
/// seccomp off, a weaker profile, host paths outside the project, devices,
/// the host's environment or home — needs the user's word once:
/// `--allow-project-profile` on a command in the project. The consent is
/// kept per project for exactly that list (`projects/<id>.consent`); a
/// config that asks for more asks again.
enum ProjectConsent {
    /// How `flags` (the definition's, as run flags) weaken a run, in words.
    static func weakenings(_ flags: [String], project: Project, host: HostFacts) -> [String] {
        var args = RunArguments()
        args.apply(flags: flags, for: .all)
        var out: [String] = []
        for cap in args.capAdd { out.append(cap.uppercased() == "ALL" ? "every capability (capAdd)" : "capability \(cap.uppercased())") }
        for option in args.securityOpt where option != "no-new-privileges" && option != "no-new-privileges=true" {
            out.append("security option \(option)")
        }
        if let name = args.profile {
            out += profileWeakenings(name, project: project, host: host)
        }
        for text in args.volumes {
            if case .bind(let volume)? = try? RunFlagValues.volume(text) { out += hostPath(volume.source, project: project) }
        }
        for text in args.mounts {
            if case .bind(let volume)? = try? RunFlagValues.mount(text) { out += hostPath(volume.source, project: project) }
        }
        for device in args.devices { out.append("device \(device)") }
        if args.envHost { out.append("the host's whole environment (--env-host)") }
        // `-e NAME` takes the host's value; an env file is read on the host.
        for entry in args.env where !entry.contains("=") { out.append("host variable \(entry)") }
        for file in args.envFiles { out += hostPath(file, project: project).map { "env file from the " + $0 } }
        if args.home == .host { out.append("your home directory (--home host)") }
        return out
    }

    /// initializeCommand runs on the host, outside any sandbox: a cloned
    /// repository's command is the user's to accept, each one as written
    /// (a changed command asks again). Listed for every command in the
    /// project, so that one consent covers `run` and `up` alike.
    static func hostCommands(_ definition: EnvironmentDefinition) -> [String] {
        (definition.lifecycle[.initializeCommand] ?? []).map { "initializeCommand on the host, unsandboxed: \(LifecycleRunner.display($0))" }
    }

    /// Sharing a host path beyond the project (devbox's own identity
    /// mounts, the agent socket and ~/.gitconfig, are not the project's doing).
    /// Judged by where the path leads now, and named so in the consent: a
    /// link the container later points elsewhere is a different request. A
    /// path that does not resolve (missing, or a link loop) counts as
    /// outside, since it may resolve anywhere by the time it is mounted.
    static func hostPath(_ source: String, project: Project) -> [String] {
        let absolute = source.hasPrefix("/") ? source : project.root + "/" + source
        guard let real = FileSystem.realPath(absolute) else { return ["host path \(source) (not resolvable now)"] }
        if real == project.root || real.hasPrefix(project.root + "/") { return [] }
        return [real == source ? "host path \(source)" : "host path \(source) (\(real))"]
    }

    static func profileWeakenings(_ name: String, project: Project, host: HostFacts) -> [String] {
        let resolver = ProfileResolver.standard(environment: host.environment, home: host.home, project: project.root,
                                                allowWeakerProjectProfiles: true)
        guard let named = try? resolver.resolveWithOrigin(name), let base = try? resolver.resolveWithOrigin("default") else {
            return []  // the run reports a profile it cannot resolve
        }
        return ProfileStrength.weakenings(of: named.profile, against: base.profile).map { "profile \(name): \($0)" }
    }

    /// Exits unless the user has accepted `weakenings` for this project
    /// (now, with `allowed`, which is then remembered). true: there was
    /// something to accept and it is accepted, so the run goes on as if the
    /// user had passed --allow-project-profile (a weaker project profile
    /// the config names is then allowed too).
    @discardableResult
    static func require(_ weakenings: [String], file: String, project: Project, dataDir: String, allowed: Bool) -> Bool {
        guard !weakenings.isEmpty else { return false }
        let digest = SHA256.hex(Array((file + "\u{0}" + weakenings.sorted().joined(separator: "\u{0}")).utf8))
        let path = dataDir + "/projects/" + project.id + ".consent"
        if FileSystem.read(path, limit: 256)?.hasPrefix(digest) == true { return true }
        guard allowed else {
            fail("\(file) asks for more than devbox gives a project by default: \(weakenings.joined(separator: "; ")); "
                 + "a project's config is not trusted to weaken the sandbox: if you trust it, run once with --allow-project-profile",
                 code: ExitStatus.usage)
        }
        printError("devbox: accepted for this project (until its config asks for more): \(weakenings.joined(separator: "; "))")
        guard FileSystem.makeDirectories(dataDir + "/projects", mode: 0o700),
              FileSystem.writeAtomically(path, contents: digest + "\n", mode: 0o600) else {
            fail("cannot record the consent in \(path): \(String(cString: strerror(errno))); check that \(dataDir) is writable")
        }
        return true
    }
}
