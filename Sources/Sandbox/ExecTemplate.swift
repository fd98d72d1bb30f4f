import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// What `devbox exec` needs to join a running container, written by its
/// supervisor once the container runs (`<live>/exec.json`, and the
/// compiled seccomp filter beside it): the process to join, the
/// namespaces the container has of its own, and the container's process
/// settings, so that an exec is never stronger than the container.
public struct ExecTemplate: Codable, Sendable {
    public var pid1: ProcessIdentity
    /// Namespace types (OCI names) the container created; the others are
    /// the host's and are not joined.
    public var namespaces: [String]
    public var process: RuntimeSpec.Process
    /// The container's compiled seccomp filter, if it has one.
    public var seccompFile: String?
    /// What a run must share with the container to join it instead of
    /// starting its own (see settingsKey).
    public var settingsKey: String?

    public static func path(in live: String) -> String { live + "/exec.json" }

    /// Written by the supervisor; failures only cost `exec` its template.
    public static func write(spec: RuntimeSpec, pid1: ProcessIdentity, to live: String, seccompCache: SeccompCache?) {
        var seccompFile: String?
        if let filter = spec.linux.seccomp {
            let capabilities = Set(spec.process.capabilities?.bounding ?? [])
            let program: [UInt8]?
            if let cache = seccompCache { program = try? cache.program(filter, capabilities: capabilities).bpf } else {
                program = try? SeccompCompiler.compile(filter, capabilities: capabilities)
            }
            // An exec must not escape the filter: no program, no template.
            guard let program else { return }
            seccompFile = live + "/seccomp.bpf"
            guard FileSystem.writeBytes(live + "/seccomp.bpf.tmp", program), rename(live + "/seccomp.bpf.tmp", live + "/seccomp.bpf") == 0 else { return }
        }
        let template = ExecTemplate(pid1: pid1, namespaces: spec.linux.namespaces.map(\.type.rawValue),
                                    process: spec.process, seccompFile: seccompFile, settingsKey: settingsKey(spec))
        guard let data = try? JSONEncoder().encode(template) else { return }
        _ = FileSystem.writeAtomically(path(in: live), contents: String(decoding: data, as: UTF8.self), mode: 0o600)
    }

    /// A digest of everything in a spec but the process's command,
    /// environment, directory and terminal: two runs with the same key may
    /// share one container, because what confines them is the same.
    public static func settingsKey(_ spec: RuntimeSpec) -> String {
        var hash = SHA256()
        func add(_ text: String?) {
            hash.update(Array((text ?? "-").utf8))
            hash.update([0])
        }
        add(spec.root.path)
        add(String(spec.root.readonly))
        add(spec.hostname)
        for mount in spec.mounts {
            add(mount.destination); add(mount.type); add(mount.source); add((mount.options ?? []).joined(separator: ","))
        }
        for ns in spec.linux.namespaces { add(ns.type.rawValue) }
        for map in spec.linux.uidMappings + spec.linux.gidMappings { add("\(map.containerID):\(map.hostID):\(map.size)") }
        let caps = spec.process.capabilities
        for set in [caps?.bounding, caps?.effective, caps?.permitted, caps?.inheritable, caps?.ambient] { add((set ?? []).joined(separator: ",")) }
        add(String(spec.process.noNewPrivileges))
        add("\(spec.process.user.uid):\(spec.process.user.gid)")
        for limit in spec.process.rlimits ?? [] { add("\(limit.type)=\(limit.soft):\(limit.hard)") }
        if let seccomp = spec.linux.seccomp {
            add(seccomp.defaultAction)
            for rule in seccomp.syscalls ?? [] { add(rule.names.joined(separator: ",") + rule.action) }
        }
        for path in (spec.linux.maskedPaths ?? []) + (spec.linux.readonlyPaths ?? []) { add(path) }
        for (key, value) in (spec.annotations ?? [:]).sorted(by: { $0.key < $1.key }) where key != DevboxAnnotation.workDir {
            add(key + "=" + value)
        }
        return hash.finalizeHex()
    }

    public static func read(from live: String) -> ExecTemplate? {
        guard let bytes = FileSystem.readBytes(path(in: live), limit: 16 << 20) else { return nil }
        do { return try JSONDecoder().decode(ExecTemplate.self, from: Data(bytes)) } catch { if getenv("DEVBOX_DEBUG_EXEC") != nil { print(error) }; return nil }
    }
}
