import Containers
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox exec -- CMD` with no container, in a project: the project's
/// environment (started, with its lifecycle, if it is not running) as the
/// remote user, with remoteEnv and the probed login environment, starting
/// in the caller's directory's place in the workspace.
enum ProjectExec {
    static func execute(_ args: ExecArguments) -> Never {
        var request = EnvironmentUp.Request()
        request.dataRoot = args.dataRoot
        request.project = args.project
        request.configFile = args.configFile
        request.allowProjectProfile = args.allowProjectProfile
        request.explicit = false
        run(args, result: EnvironmentUp.up(request))
    }

    static func run(_ args: ExecArguments, result: EnvironmentUp.Result) -> Never {
        let settings = result.settings
        var request = ExecRequest(command: args.command)
        request.tty = args.tty
        request.detach = args.detach
        request.preserveFDs = args.preserveFDs
        request.workdir = args.workdir ?? RemoteEnvironment.workingDirectory(settings, cwd: FileSystem.currentDirectory() ?? "/")
        let user = args.user ?? settings.user
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                fail("-u \(user): give USER, UID, USER:GROUP or UID:GID", code: ExitStatus.usage)
            }
            request.user = first
            request.group = parts.count > 1 ? parts[1] : nil
        }
        let extra: [String]
        do { extra = try ExecInvocation.requestedEnvironment(args) } catch {
            fail(error, code: ExitStatus.usage)
        }
        request.environment = RemoteEnvironment.environment(settings, template: result.template, extra: extra, terminal: args.tty)
        // Held while the command runs: an environment a `devbox run`
        // started is not stopped for being idle under it.
        let users = try? ContainerLock(result.store.usersLockPath(result.record.id), exclusive: false, wait: true)
        let events = ExecEvents.begin(store: result.store, id: result.record.id)
        let status: Int32
        do {
            status = try ExecLauncher.exec(request, template: result.template, replaceEnvironment: true)
        } catch .notRunning {
            fail(ContainerError.notRunning(result.record.name))
        } catch {
            fail(error)
        }
        users?.release()
        if !args.detach { events?.died(status) }
        if args.detach && status == 0 { print(result.record.id) }
        exit(status)
    }
}
