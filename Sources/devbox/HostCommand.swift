import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// initializeCommand: run on the host, in the project, before the
/// environment is made. Its stdout goes to stderr (stdout is `up`'s).
enum HostCommand {
    struct Failure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var description: String {
            "initializeCommand failed (exit \(status)): \(command); fix it in the config and run `devbox up` again"
        }
    }

    static func run(_ commands: [LifecycleCommand], in directory: String) throws(Failure) {
        for command in commands {
            guard let argv = LifecycleRunner.argv(command) else { continue }
            printError("devbox: initializeCommand: \(LifecycleRunner.display(command))")
            let status = spawn(argv, directory: directory)
            guard status == 0 else { throw Failure(command: LifecycleRunner.display(command), status: status) }
        }
    }

    /// fork + exec: devbox is single-threaded here, so fork is safe.
    static func spawn(_ argv: [String], directory: String) -> Int32 {
        let pid = fork()
        if pid == 0 {
            dup2(2, 1)
            guard chdir(directory) == 0 else { _exit(126) }
            var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            execvp(argv[0], &cArgs)
            _exit(errno == ENOENT ? 127 : 126)
        }
        guard pid > 0 else { return 126 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return WaitStatus.exitCode(status)
    }
}

/// hostRequirements: checked against this machine and warned about (a
/// devcontainer's numbers are advice; the environment still starts).
enum HostCheck {
    static func warnings(_ wanted: EnvironmentDefinition.HostRequirements, dataDir: String) -> [String] {
        var out: [String] = []
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if let need = wanted.cpus, cpus < need {
            out.append("hostRequirements asks for \(need) CPUs; this machine has \(cpus)")
        }
        let memory = UInt64(max(0, sysconf(Int32(_SC_PHYS_PAGES)))) * UInt64(max(0, sysconf(Int32(_SC_PAGESIZE))))
        if let need = wanted.memory, memory < need {
            out.append("hostRequirements asks for \(ByteCount.string(Int64(clamping: need))) of memory; this machine has \(ByteCount.string(Int64(clamping: memory)))")
        }
        var fs = statvfs()
        if let need = wanted.storage, statvfs(dataDir, &fs) == 0 || statvfs("/", &fs) == 0 {
            let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            if free < need { out.append("hostRequirements asks for \(ByteCount.string(Int64(clamping: need))) of storage; \(ByteCount.string(Int64(clamping: free))) is free") }
        }
        return out
    }
}
