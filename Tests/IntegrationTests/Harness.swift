import Foundation
import Testing

/// Who runs devbox in a test. Rootless is the product, so every sandbox test
/// runs as an unprivileged user too; as root as well when the suite runs as
/// root (CI).
struct Runner: CustomStringConvertible, Sendable {
    let user: String?          // nil: the test process's own user
    let uid: UInt32
    let gid: UInt32
    let home: String

    var description: String { user ?? (uid == 0 ? "root" : "self") }

    /// The unprivileged user `make test` creates (DEVBOX_TEST_USER).
    static var all: [Runner] {
        var runners: [Runner] = []
        let me = getuid()
        runners.append(Runner(user: nil, uid: me, gid: getgid(), home: NSHomeDirectory()))
        if me == 0, let name = ProcessInfo.processInfo.environment["DEVBOX_TEST_USER"], let pw = getpwnam(name) {
            runners.append(Runner(user: name, uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid,
                                  home: String(cString: pw.pointee.pw_dir)))
        }
        return runners
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["DEVBOX_BIN"] { return path }
        // Package root from this file's path: Tests/IntegrationTests/Harness.swift
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/devbox").path
    }
}

/// A scratch project directory owned by the runner, with its own data dir.
final class Scratch {
    let root: URL
    let project: URL
    let data: URL
    let runtime: URL
    let runner: Runner

    /// `isolated`: a data directory of its own, for tests about what the
    /// store holds (the shared one has other tests' blobs).
    init(_ runner: Runner, isolated: Bool = false) throws {
        self.runner = runner
        let unique = String(UUID().uuidString.prefix(8)).lowercased()
        let base = URL(fileURLWithPath: "/tmp").appendingPathComponent("devbox-it-\(unique)")
        root = base
        project = base.appendingPathComponent("proj-\(unique)")
        // One data dir per user for the whole test process: it holds shared
        // caches (the host skeleton) that every test would otherwise rebuild.
        data = isolated ? base.appendingPathComponent("data") : Scratch.sharedData(for: runner)
        runtime = base.appendingPathComponent("run")
        let fm = FileManager.default
        for dir in [project.appendingPathComponent(".git"), runtime] + (isolated ? [data] : []) {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        chmod(base.path, 0o755)
        chmod(runtime.path, 0o700)
        if runner.user != nil {
            for path in [base.path, project.path, project.appendingPathComponent(".git").path, runtime.path] + (isolated ? [data.path] : []) {
                chown(path, runner.uid, runner.gid)
            }
        }
    }

    private static let session = String(UUID().uuidString.prefix(8)).lowercased()

    /// The shared data directories go when the test process exits.
    private static let removeSharedDataAtExit: Void = {
        atexit {
            let fm = FileManager.default
            for name in (try? fm.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("devbox-it-data-\(Scratch.session)-") {
                _ = try? Shell.run(["/bin/chmod", "-R", "u+rwx", "/tmp/" + name])
                try? fm.removeItem(atPath: "/tmp/" + name)
            }
        }
    }()

    static func sharedData(for runner: Runner) -> URL {
        Scratch.removeSharedDataAtExit
        let url = URL(fileURLWithPath: "/tmp/devbox-it-data-\(session)-\(runner.uid)")
        if mkdir(url.path, 0o755) == 0 && runner.user != nil { chown(url.path, runner.uid, runner.gid) }
        return url
    }

    /// This project's persistent environment in the data dir, if it exists.
    var containerDirectories: [String] {
        let containers = data.appendingPathComponent("devbox/containers").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: containers)) ?? []
        return names.filter { $0.hasPrefix(project.lastPathComponent + "-") }.map { containers + "/" + $0 }
    }

    deinit {
        // Overlay work dirs are mode 000; removal needs the owner's rights.
        _ = try? Shell.run(["chmod", "-R", "u+rwx", root.path])
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `devbox ARGS` in the project as the runner.
    func devbox(_ args: [String], stdin: Data? = nil, cwd: URL? = nil, extraEnv: [String: String] = [:],
                timeout: Double = 60) throws -> Shell.Result {
        try Shell.run(command(args, extraEnv: extraEnv), stdin: stdin, cwd: cwd ?? project, timeout: timeout)
    }

    func command(_ args: [String], extraEnv: [String: String] = [:]) -> [String] {
        // Holders of the user namespace go soon after the test that started
        // them, not five minutes later.
        var env = ["HOME=\(runner.home)", "XDG_DATA_HOME=\(data.path)", "XDG_RUNTIME_DIR=\(runtime.path)", "DEVBOX_USERNS_IDLE=2",
                   "DEVBOX_ENV_IDLE=1",
                   "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG=C.UTF-8"]
        // `DEVBOX_STORAGE_DRIVER=fuse make test-fuse`: the whole suite under
        // one storage driver (tests that name a driver still get theirs).
        if let driver = ProcessInfo.processInfo.environment["DEVBOX_STORAGE_DRIVER"], !driver.isEmpty, extraEnv["DEVBOX_STORAGE_DRIVER"] == nil {
            env.append("DEVBOX_STORAGE_DRIVER=\(driver)")
        }
        env += extraEnv.map { "\($0.key)=\($0.value)" }
        var cmd = ["/usr/bin/env", "-i"] + env + [Runner.binary] + args
        if runner.user != nil {
            cmd = ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--"] + cmd
        }
        return cmd
    }

    /// Creates a file in the project owned by the runner.
    func write(_ name: String, _ contents: String) throws {
        let url = project.appendingPathComponent(name)
        try contents.write(to: url, atomically: false, encoding: .utf8)
        if runner.user != nil { chown(url.path, runner.uid, runner.gid) }
    }
}

enum Shell {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    static func run(_ command: [String], stdin: Data? = nil, cwd: URL? = nil, timeout: Double = 60) throws -> Result {
        let process = try start(command, cwd: cwd)
        return try finish(process, stdin: stdin, timeout: timeout)
    }

    final class Running: @unchecked Sendable {
        let process: Process
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        init(_ process: Process) { self.process = process }
        var pid: Int32 { process.processIdentifier }
    }

    static func start(_ command: [String], cwd: URL? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let cwd { process.currentDirectoryURL = cwd }
        let running = Running(process)
        process.standardInput = running.stdinPipe
        process.standardOutput = running.stdoutPipe
        process.standardError = running.stderrPipe
        try process.run()
        return running
    }

    static func finish(_ running: Running, stdin: Data? = nil, timeout: Double = 60) throws -> Result {
        // Read both pipes concurrently so a large output cannot deadlock.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data()
        nonisolated(unsafe) var err = Data()
        group.enter()
        DispatchQueue.global().async {
            out = running.stdoutPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            err = running.stderrPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let writer = running.stdinPipe.fileHandleForWriting
        if let stdin {
            DispatchQueue.global().async {
                try? writer.write(contentsOf: stdin)
                try? writer.close()
            }
        } else {
            try? writer.close()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning && Date() < deadline { usleep(10_000) }
        if running.process.isRunning {
            // Where it hangs, before anything is killed: a flake seen once
            // in CI must say which process waited on what.
            let tree = ProcessTree.describe(root: running.pid)
            kill(running.pid, SIGKILL)
            running.process.waitUntilExit()
            throw TimeoutError(command: running.process.arguments ?? [], tree: tree)
        }
        running.process.waitUntilExit()
        group.wait()
        return Result(status: exitCode(running.process), stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    static func exitCode(_ p: Process) -> Int32 {
        p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    }

    struct TimeoutError: Error, CustomStringConvertible {
        let command: [String]
        var tree = ""
        var description: String { "timed out: \(command.joined(separator: " "))\n\(tree)" }
    }
}
