import ArgumentParser
import FoundationEssentials
import OCI
import Platform
import Project
import Sandbox
#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in the project's sandbox.",
        usage: "devbox run [OPTIONS] -- COMMAND [ARG...]",
        discussion: "With no image configured, the container's root is the host's own filesystem, read-only, under a writable layer kept per project.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Allocate a pseudo-terminal.")
    var tty = false

    @Flag(name: .shortAndLong, help: "Keep stdin attached (stdin is always passed through; accepted for docker compatibility).")
    var interactive = false

    @Flag(name: .customLong("rm"), help: "Use a throwaway writable layer: nothing the command changes outside the project is kept.")
    var remove = false

    @Option(help: "Network: host (share the host's) or none (only loopback).")
    var network: RunOptions.Network = .host

    @Option(help: ArgumentHelp("User namespace mode: keep-id keeps your uid/gid inside (default: you are root inside).", valueName: "MODE"))
    var userns: String?

    @Option(help: "Home directory: container (the project's own, persisted) or host (your real one).")
    var home: RunOptions.HomeMode = .container

    @Option(name: .shortAndLong, help: ArgumentHelp("Bind mount SRC:DST[:ro].", valueName: "SRC:DST[:ro]"))
    var volume: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Set KEY=VAL, or pass KEY from the host.", valueName: "KEY=VAL"))
    var env: [String] = []

    @Option(name: .customLong("env-file"), help: ArgumentHelp("Read KEY=VAL lines from a file.", valueName: "FILE"))
    var envFile: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Working directory inside (default: the current one).", valueName: "DIR"))
    var workdir: String?

    @Option(help: "Hostname inside the container.")
    var hostname: String?

    @Flag(name: .customLong("print-spec"), help: "Print the OCI runtime spec (config.json) instead of running it.")
    var printSpec = false

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        let debugging = global.logLevel == .debug
        var host = HostFacts.current(dataRoot: global.dataRoot)
        if host.uid != 0 {
            let names = HostRootLayout.overlaid(entries: host.rootEntries, mountPoints: host.mountPoints, dataDir: host.dataDir)
            do {
                host.hostSkeleton = try HostSkeleton.prepare(dataDir: host.dataDir, names: names)
            } catch {
                fail(error)
            }
        }
        let project = ProjectLocator.locate(from: host.cwd, exists: FileSystem.exists)
        let options: RunOptions
        let plan: RunPlan
        do {
            options = try makeOptions(host: host)
            plan = try RunPlanner.plan(options, project: project, host: host, runID: String(getpid()))
        } catch {
            fail(error)
        }
        for note in plan.notes { debug(debugging, note) }
        debug(debugging, "project \(project.root) (id \(project.id))")

        if printSpec {
            print(try SpecPrinter.json(plan.spec))
            return
        }
        let environment = try prepare(plan, host: host, debugging: debugging)
        let status: Int32
        do {
            status = try Launcher.run(plan.spec, environment: environment)
        } catch {
            if let work = plan.runWorkDir { FileSystem.removeTree(work) }
            fail(error)
        }
        if let work = plan.runWorkDir { FileSystem.removeTree(work) }
        Glibc.exit(status)
    }

    private func makeOptions(host: HostFacts) throws(PlanError) -> RunOptions {
        var options = RunOptions()
        options.command = command
        options.tty = tty
        options.interactive = interactive
        options.remove = remove
        options.network = network
        options.home = home
        options.workdir = workdir
        options.hostname = hostname
        switch userns {
        case nil, "", "host": options.userns = .root
        case "keep-id": options.userns = .keepID
        case let other?: fail("unknown --userns mode '\(other)'; use keep-id or leave it out")
        }
        for text in volume {
            var parsed = try RunOptions.Volume.parse(text)
            let absolute = parsed.source.hasPrefix("/") ? parsed.source : host.cwd + "/" + parsed.source
            guard let resolved = FileSystem.realPath(absolute) else { throw .missingVolumeSource(parsed.source) }
            parsed.source = resolved
            options.volumes.append(parsed)
        }
        for file in envFile {
            guard let text = FileSystem.read(file) else { fail("cannot read env file '\(file)'; check the path") }
            options.environment += EnvironmentPlanner.parseEnvFile(text)
        }
        options.environment += env
        return options
    }

    /// Creates the host directories the plan names and returns how to launch.
    private func prepare(_ plan: RunPlan, host: HostFacts, debugging: Bool) throws -> LaunchEnvironment {
        if let container = plan.container {
            for dir in [container.upper, container.home, container.work] {
                guard FileSystem.makeDirectories(dir, mode: 0o700) else {
                    fail("cannot create \(dir): \(String(cString: strerror(errno))); check that \(host.dataDir) is writable")
                }
            }
            StaleRuns.remove(in: container.work)
        }
        if let work = plan.runWorkDir, !FileSystem.makeDirectories(work, mode: 0o700) {
            fail("cannot create \(work): \(String(cString: strerror(errno)))")
        }
        var helpers: (uid: String, gid: String)?
        if plan.needsMapHelpers, let uidHelper = host.newuidmap, let gidHelper = host.newgidmap {
            helpers = (uidHelper, gidHelper)
        }
        let hosts = SetupCompiler.hostsFile(hostContents: FileSystem.read("/etc/hosts") ?? "127.0.0.1\tlocalhost\n",
                                            hostname: plan.spec.hostname ?? host.hostname)
        return LaunchEnvironment(mapHelpers: helpers, hostsFile: hosts, debug: debugging,
                                 forwardStdin: true)
    }
}

extension RunOptions.Network: ExpressibleByArgument {}
extension RunOptions.HomeMode: ExpressibleByArgument {}
