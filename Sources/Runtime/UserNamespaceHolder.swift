import CSandbox
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Finds or starts the idle process that holds a user namespace with the
/// spec's id maps (see holder.c for why), and opens that namespace.
///
/// One holder per distinct pair of maps, named in the runtime directory.
/// A holder is only used after checking, with its namespace already open,
/// that it is ours (its name) and maps exactly what the spec asks for.
public enum UserNamespaceHolder {
    /// How long a holder waits without users before it exits: five
    /// minutes, or DEVBOX_USERNS_IDLE seconds (the tests use a short one).
    static var idleSeconds: Int32 {
        guard let text = getenv("DEVBOX_USERNS_IDLE").map({ String(cString: $0) }), let value = Int32(text), value > 0 else { return 300 }
        return value
    }

    /// A joined holder: its namespace, and what names the socket of its
    /// spare network namespaces (see takeNetworkNamespace).
    public struct Held {
        public let fd: Int32
        let pid: Int32
        let socketPrefix: String
    }

    /// The holder of the spec's maps, found or started; throws when none can
    /// be had (the caller then maps a fresh namespace itself).
    public static func open(runtimeDir: String, spec: RuntimeSpec, helpers: (uid: String, gid: String),
                            debug: Bool) throws(SandboxError) -> Held {
        try open(runtimeDir: runtimeDir, uidMappings: spec.linux.uidMappings, gidMappings: spec.linux.gidMappings,
                 helpers: helpers, debug: debug)
    }

    public static func open(runtimeDir: String, uidMappings: [RuntimeSpec.IDMapping], gidMappings: [RuntimeSpec.IDMapping],
                            helpers: (uid: String, gid: String), debug: Bool) throws(SandboxError) -> Held {
        let uidMap = IDMapText.procFile(uidMappings)
        let gidMap = IDMapText.procFile(gidMappings)
        let prefix = runtimeDir + "/userns-\(fingerprint(uidMap + "|" + gidMap))"
        let pidFile = prefix + ".pid"
        let recorded = FileSystem.read(pidFile).flatMap { Int32(String(decoding: $0.utf8.filter(ASCII.isDigit), as: UTF8.self)) }
        if let pid = recorded, let fd = join(pid: pid, uidMap: uidMap, gidMap: gidMap) {
            return Held(fd: fd, pid: pid, socketPrefix: prefix)
        }
        // The recorded holder is gone: a kill -9 left its socket behind.
        if let pid = recorded { unlink(prefix + ".\(pid).sock") }
        guard FileSystem.makeDirectories(runtimeDir, mode: 0o700) else {
            throw .prepare(path: runtimeDir, reason: String(cString: strerror(errno)))
        }
        let strings = CStrings()
        let uidArgv = strings.array([helpers.uid] + IDMapText.helperArguments(uidMappings))
        let gidArgv = strings.array([helpers.gid] + IDMapText.helperArguments(gidMappings))
        var errbuf = [CChar](repeating: 0, count: 512)
        let pid = dbx_spawn_userns_holder(UnsafePointer(uidArgv), UnsafePointer(gidArgv), idleSeconds, prefix, &errbuf, errbuf.count)
        withExtendedLifetime(strings) {}
        guard pid > 0 else { throw .launch(String(cBuffer: errbuf)) }
        if debug { Launcher.debugLine("started user namespace holder \(pid)") }
        // Parallel first runs may each start one; the last pid file wins and
        // the others' holders exit when idle.
        _ = FileSystem.writeAtomically(pidFile, contents: "\(pid)\n", mode: 0o600)
        // Ours and still starting (it may be mid-exec): no checks needed.
        let fd = Glibc.open("/proc/\(pid)/ns/user", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .launch("cannot open the user namespace of holder \(pid): \(String(cString: strerror(errno)))") }
        return Held(fd: fd, pid: pid, socketPrefix: prefix)
    }

    /// A network namespace (lo up) the holder made ahead for one run, owned
    /// by its user namespace; nil when it has none to give (a holder still
    /// starting, one from an older devbox, a socket path too long for
    /// sun_path): the run then makes its own.
    public static func takeNetworkNamespace(_ held: Held) -> Int32? {
        let fd = dbx_netspare_take(held.socketPrefix, held.pid, held.fd)
        return fd >= 0 ? fd : nil
    }

    static func join(pid: Int32, uidMap: String, gidMap: String) -> Int32? {
        let fd = Glibc.open("/proc/\(pid)/ns/user", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        // Checked after opening: if the pid was reused meanwhile, these
        // describe the process whose namespace we hold.
        guard isLiveHolder(stat: FileSystem.read("/proc/\(pid)/stat") ?? ""),
              numbers(FileSystem.read("/proc/\(pid)/uid_map")) == numbers(uidMap),
              numbers(FileSystem.read("/proc/\(pid)/gid_map")) == numbers(gidMap)
        else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Whether /proc/PID/stat describes a running holder. A holder that has
    /// exited stays a zombie until its parent (init, or a subreaper that reaps
    /// lazily) collects it, and a zombie's user namespace still opens: joined,
    /// it would serve runs with no process to hold it or make spares.
    public static func isLiveHolder(stat: String) -> Bool {
        // "PID (COMM) STATE ...": COMM may hold spaces and parentheses.
        // Bytes, not Characters: grapheme breaking would page in stdlib
        // code and Unicode tables on every run (peak RSS is a bench row).
        let bytes = Array(stat.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close,
              close + 2 < bytes.count, bytes[close + 1] == UInt8(ascii: " ")
        else { return false }
        let state = bytes[close + 2]
        return bytes[(open + 1)..<close].elementsEqual("devbox-userns".utf8) && state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    static func numbers(_ text: String?) -> [UInt64] {
        ASCII.words(text ?? "").compactMap { UInt64($0) }
    }

    /// Names the pid file after the maps (a file name, not a security boundary).
    static func fingerprint(_ text: String) -> String {
        String(SHA256.hex(Array(text.utf8)).prefix(16))
    }
}
