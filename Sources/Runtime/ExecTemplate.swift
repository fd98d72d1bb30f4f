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
public struct ExecTemplate: Equatable, Sendable {
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

    public static func path(in live: String) -> String { live + "/exec" }

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
        _ = FileSystem.writeBytes(path(in: live) + ".tmp", template.encoded())
        rename(path(in: live) + ".tmp", path(in: live))
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
            // Each run of a project environment has a work dir of its own.
            let options = (mount.options ?? []).filter { !(mount.type == "overlay" && $0.hasPrefix("workdir=")) }
            add(mount.destination); add(mount.type); add(mount.source); add(options.joined(separator: ","))
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
        return ExecTemplate(encoded: bytes)
    }

    /// `exec` is what editors call for every terminal and language server,
    /// so its template is not JSON: NUL-separated `tag value` records,
    /// read without a decoder (docs/CONTAINERS.md).
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func add(_ tag: String, _ value: String) {
            out += Array(tag.utf8)
            out.append(0x20)
            out += Array(value.utf8)
            out.append(0)
        }
        add("devbox-exec", "1")
        add("pid1", "\(pid1.pid) \(pid1.startTime)")
        for ns in namespaces { add("ns", ns) }
        if let seccompFile { add("seccomp", seccompFile) }
        if let settingsKey { add("key", settingsKey) }
        add("terminal", process.terminal ? "1" : "0")
        add("uid", String(process.user.uid))
        add("gid", String(process.user.gid))
        for gid in process.user.additionalGids ?? [] { add("group", String(gid)) }
        if let umask = process.user.umask { add("umask", String(umask)) }
        add("cwd", process.cwd)
        add("nnp", process.noNewPrivileges ? "1" : "0")
        for entry in process.env { add("env", entry) }
        if let caps = process.capabilities {
            for name in caps.bounding { add("cap.b", name) }
            for name in caps.effective { add("cap.e", name) }
            for name in caps.permitted { add("cap.p", name) }
            for name in caps.inheritable { add("cap.i", name) }
            for name in caps.ambient { add("cap.a", name) }
        }
        for limit in process.rlimits ?? [] { add("rlimit", "\(limit.type) \(limit.soft) \(limit.hard)") }
        // Last: a template cut short anywhere is refused, never read as a
        // smaller (weaker or stronger) one.
        add("end", String(out.count))
        return out
    }

    public init(pid1: ProcessIdentity, namespaces: [String], process: RuntimeSpec.Process, seccompFile: String?, settingsKey: String?) {
        self.pid1 = pid1
        self.namespaces = namespaces
        self.process = process
        self.seccompFile = seccompFile
        self.settingsKey = settingsKey
    }

    init?(encoded bytes: [UInt8]) {
        var pid1: ProcessIdentity?
        var namespaces: [String] = [], env: [String] = [], groups: [UInt32] = []
        var caps: [UInt8: [String]] = [:]
        var rlimits: [RuntimeSpec.Rlimit] = []
        var seccomp: String?, key: String?, umask: UInt32?
        var uid: UInt32?, gid: UInt32?, cwd = "/", terminal = false, nnp = true, version = false, complete = false
        var start = 0
        for end in bytes.indices where bytes[end] == 0 {
            let record = bytes[start..<end]
            start = end + 1
            guard let space = record.firstIndex(of: 0x20) else { return nil }
            let tag = String(decoding: record[record.startIndex..<space], as: UTF8.self)
            let value = String(decoding: record[(space + 1)...], as: UTF8.self)
            switch tag {
            case "end":
                // The byte count before this record, and nothing after it.
                complete = Int(value) == record.startIndex && end == bytes.count - 1
            case "devbox-exec": version = value == "1"
            case "pid1":
                let parts = ASCII.words(value)
                guard parts.count == 2, let pid = Int32(parts[0]), let time = UInt64(parts[1]) else { return nil }
                pid1 = ProcessIdentity(pid: pid, startTime: time)
            case "ns": namespaces.append(value)
            case "seccomp": seccomp = value
            case "key": key = value
            case "terminal": terminal = value == "1"
            case "uid": uid = UInt32(value)
            case "gid": gid = UInt32(value)
            case "group": if let g = UInt32(value) { groups.append(g) }
            case "umask": umask = UInt32(value)
            case "cwd": cwd = value
            case "nnp": nnp = value == "1"
            case "env": env.append(value)
            case "rlimit":
                let parts = ASCII.words(value)
                guard parts.count == 3, let soft = UInt64(parts[1]), let hard = UInt64(parts[2]) else { return nil }
                rlimits.append(RuntimeSpec.Rlimit(type: parts[0], hard: hard, soft: soft))
            default:
                if tag.hasPrefix("cap."), let set = tag.utf8.last { caps[set, default: []].append(value) }
            }
        }
        // An unknown version or a missing field: no exec rather than a weaker one.
        guard version, complete, let pid1, let uid, let gid else { return nil }
        var capabilities = RuntimeSpec.Capabilities(uniform: [])
        capabilities.bounding = caps[UInt8(ascii: "b")] ?? []
        capabilities.effective = caps[UInt8(ascii: "e")] ?? []
        capabilities.permitted = caps[UInt8(ascii: "p")] ?? []
        capabilities.inheritable = caps[UInt8(ascii: "i")] ?? []
        capabilities.ambient = caps[UInt8(ascii: "a")] ?? []
        let process = RuntimeSpec.Process(terminal: terminal, user: .init(uid: uid, gid: gid, additionalGids: groups.isEmpty ? nil : groups, umask: umask),
                                          args: [], env: env, cwd: cwd, capabilities: capabilities, rlimits: rlimits.isEmpty ? nil : rlimits,
                                          noNewPrivileges: nnp)
        self.init(pid1: pid1, namespaces: namespaces, process: process, seccompFile: seccomp, settingsKey: key)
    }
}
