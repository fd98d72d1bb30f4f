import CSandbox

/// One operation of the mount loop (bubblewrap's model): plain values, built
/// by pure code from the spec, executed in order by the C side.
public struct SetupStep: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case mkdir = 1, tmpfs, bind, overlay, proc, devpts, symlink, writeFile, readOnly, mqueue, mask, readOnlyPath
        /// The FUSE overlay: `data` holds its layers as the daemon sees them
        /// (host paths, overlay option syntax), `mode` the mount's index.
        case fuse
        /// A new sysfs (the container's network namespace's devices), the
        /// host's cgroup tree bound below it; the host's /sys where refused.
        case sysfs
        /// An empty directory in the root's tmpfs (a `directory` mount):
        /// exactly `mode`, owned by `data` ("UID:GID") when given.
        case directory
    }

    public var kind: Kind
    public var source: String?
    public var destination: String
    public var data: String?
    public var mode: UInt32 = 0
    public var readOnly = false
    public var optional = false
    /// readOnly: only this mount, not those below it.
    public var single = false
    /// nosuid, nodev, noexec (bind and tmpfs).
    public var nosuid = false
    public var nodev = false
    public var noexec = false
    /// The destination may not pass through a symlink: /proc and /sys, whose
    /// masks are laid by path.
    public var noSymlinks = false

    public init(_ kind: Kind, source: String? = nil, destination: String, data: String? = nil,
                mode: UInt32 = 0, readOnly: Bool = false, optional: Bool = false) {
        self.kind = kind
        self.source = source
        self.destination = destination
        self.data = data
        self.mode = mode
        self.readOnly = readOnly
        self.optional = optional
    }

    var flags: Int32 {
        (readOnly ? Int32(DBX_OP_FLAG_READONLY) : 0) | (optional ? Int32(DBX_OP_FLAG_OPTIONAL) : 0)
            | (single ? Int32(DBX_OP_FLAG_SINGLE) : 0) | (noSymlinks ? Int32(DBX_OP_FLAG_NO_SYMLINKS) : 0)
            | (nosuid ? Int32(DBX_OP_FLAG_NOSUID) : 0) | (nodev ? Int32(DBX_OP_FLAG_NODEV) : 0) | (noexec ? Int32(DBX_OP_FLAG_NOEXEC) : 0)
    }

    public var description: String {
        var text = "\(kind) \(destination)"
        if let source { text += " <- \(source)" }
        if let data { text += " [" + data.split(separator: "\n").joined(separator: "\\n") + "]" }
        if readOnly { text += " ro" }
        for (on, name) in [(nosuid, "nosuid"), (nodev, "nodev"), (noexec, "noexec")] where on { text += " " + name }
        return text
    }
}
