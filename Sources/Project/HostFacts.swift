import Platform

/// Everything planning needs to know about the host, gathered once so that
/// planning itself stays a pure function of its inputs.
public struct HostFacts: Equatable, Sendable {
    public struct RootEntry: Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            case directory
            case file
            case symlink(target: String)
            case other
        }

        public var name: String
        public var kind: Kind
        /// A directory with nothing in it (else nil): a throwaway layer over
        /// it is a plain tmpfs (HostRootLayout).
        public var emptyDirectory: EmptyDirectory?

        public init(name: String, kind: Kind, emptyDirectory: EmptyDirectory? = nil) {
            self.name = name
            self.kind = kind
            self.emptyDirectory = emptyDirectory
        }
    }

    /// An empty directory on the host: its permission bits.
    public struct EmptyDirectory: Equatable, Sendable {
        public var mode: UInt32

        public init(mode: UInt32) {
            self.mode = mode
        }
    }

    public typealias IDRange = Platform.IDRange

    public var uid: UInt32
    public var gid: UInt32
    public var home: String
    public var cwd: String
    public var environment: [String: String]
    public var hostname: String
    /// Entries of the host's `/`.
    public var rootEntries: [RootEntry]
    /// Every mount point of the host (from /proc/self/mountinfo).
    public var mountPoints: [String]
    public var subordinateUIDs: IDRange?
    public var subordinateGIDs: IDRange?
    public var newuidmap: String?
    public var newgidmap: String?
    /// no_new_privs is set on devbox itself (it runs inside a sandbox, maybe
    /// devbox's own): the setuid newuidmap/newgidmap cannot work then.
    public var noNewPrivileges = false
    /// `$XDG_DATA_HOME/devbox` or `--root`.
    public var dataDir: String
    /// `$XDG_RUNTIME_DIR/devbox`, else `/tmp/devbox-$UID`.
    public var runtimeDir: String
    /// The file /etc/resolv.conf resolves to (it is often a symlink into /run).
    public var resolvConf: String?
    /// The user-owned directory skeleton layered over host directories when
    /// devbox runs rootless (see Sandbox.HostSkeleton); nil as root.
    public var hostSkeleton: String?
    /// tmpfs takes overlayfs's `user.*` xattrs (Linux 6.6+), so `--rm` keeps
    /// its throwaway layer there (see LayerPlacement). Probing is not
    /// planning's business: the caller sets it (Sandbox.TmpfsLayerSupport).
    public var tmpfsHoldsLayers = true
    /// The home directory the passwd entry names (it may differ from $HOME).
    public var passwdHome: String?

    public init(uid: UInt32, gid: UInt32, home: String, cwd: String, environment: [String: String],
                hostname: String, rootEntries: [RootEntry], mountPoints: [String],
                subordinateUIDs: IDRange? = nil, subordinateGIDs: IDRange? = nil,
                newuidmap: String? = nil, newgidmap: String? = nil,
                dataDir: String, runtimeDir: String, resolvConf: String?) {
        self.uid = uid
        self.gid = gid
        self.home = home
        self.cwd = cwd
        self.environment = environment
        self.hostname = hostname
        self.rootEntries = rootEntries
        self.mountPoints = mountPoints
        self.subordinateUIDs = subordinateUIDs
        self.subordinateGIDs = subordinateGIDs
        self.newuidmap = newuidmap
        self.newgidmap = newgidmap
        self.dataDir = dataDir
        self.runtimeDir = runtimeDir
        self.resolvConf = resolvConf
    }
}
