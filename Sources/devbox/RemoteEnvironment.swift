import Containers
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// The environment of a process `exec`, `shell` or a lifecycle command
/// starts in a project's environment: the probed login environment (or
/// the container's), remoteEnv over it, the caller's terminal type, then
/// the command line's -e.
enum RemoteEnvironment {
    static func environment(_ settings: RemoteSettings, template: ExecTemplate, extra: [String], terminal: Bool = false) -> [String] {
        var env = settings.probedEnvironment ?? template.process.env
        // remoteEnv's `KEY: null` (a bare KEY) takes the variable away.
        let removed = Set(settings.environment.filter { !$0.contains("=") })
        env = ExecLauncher.merged(env, settings.environment.filter { $0.contains("=") })
        if !removed.isEmpty {
            env = env.filter { entry in !removed.contains(String(entry.split(separator: "=", maxSplits: 1).first ?? "")) }
        }
        if terminal {
            let passed = ["TERM", "COLORTERM"].compactMap { name in getenv(name).map { name + "=" + String(cString: $0) } }
            env = ExecLauncher.merged(env, passed)
        }
        return ExecLauncher.merged(env, extra)
    }

    /// The caller's directory, as a path inside: the same place relative
    /// to the workspace folder as it is to the project on the host; the
    /// workspace folder itself from outside the project.
    static func workingDirectory(_ settings: RemoteSettings, cwd: String) -> String {
        let root = settings.projectRoot
        guard cwd == root || cwd.hasPrefix(root + "/") else { return settings.workspaceFolder }
        return settings.workspaceFolder + cwd.dropFirst(root.count)
    }
}

/// userEnvProbe: the remote user's shell started as the config says
/// (login, interactive or both) prints its environment once; exec'd
/// processes then get what a terminal would (the PATH a profile sets).
enum EnvProbe {
    static let marker = "DEVBOX-ENV-PROBE-7f3a"

    static func run(_ kind: EnvironmentDefinition.EnvProbe, settings: RemoteSettings, template: ExecTemplate) -> [String]? {
        let flags: String
        switch kind {
        case .none: return nil
        case .loginShell: flags = "-lc"
        case .interactiveShell: flags = "-ic"
        case .loginInteractiveShell: flags = "-lic"
        }
        let script = "printf '%s' \(marker); cat /proc/self/environ; printf '%s' \(marker)"
        var request = ExecRequest(command: [settings.shell, flags, script])
        request.user = settings.user
        request.workdir = settings.workspaceFolder
        request.environment = ExecLauncher.merged(template.process.env, settings.environment)
        var path = Array("/tmp/devbox-probe-XXXXXX".utf8CString)
        let out = path.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard out >= 0 else { return nil }
        let file = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(out); unlink(file) }
        let saved = (dup(0), dup(1), dup(2))
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        dup2(null, 0); dup2(out, 1); dup2(null, 2)
        close(null)
        let status = (try? ChildExec.run(request, template: template)) ?? -1
        dup2(saved.0, 0); dup2(saved.1, 1); dup2(saved.2, 2)
        close(saved.0); close(saved.1); close(saved.2)
        guard status == 0, let bytes = FileSystem.readBytes(file, limit: 4 << 20) else {
            printError("devbox: warning: userEnvProbe: the remote user's shell \(settings.shell) did not print its environment; exec uses the container's")
            return nil
        }
        return parse(bytes)
    }

    /// The NUL-separated entries between the two markers (a profile may
    /// print around them).
    static func parse(_ bytes: [UInt8]) -> [String]? {
        let mark = Array(marker.utf8)
        func find(from start: Int) -> Int? {
            guard bytes.count >= mark.count else { return nil }
            var i = start
            while i + mark.count <= bytes.count {
                if Array(bytes[i..<(i + mark.count)]) == mark { return i }
                i += 1
            }
            return nil
        }
        guard let open = find(from: 0), let close = find(from: open + mark.count) else { return nil }
        let body = bytes[(open + mark.count)..<close]
        let entries = body.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { $0.contains("=") }
        // The probe's own traces are not the user's environment.
        return entries.filter { !$0.hasPrefix("_=") && !$0.hasPrefix("SHLVL=") && !$0.hasPrefix("OLDPWD=") && !$0.hasPrefix("PWD=") }
    }
}
