// The OCI runtime specification's config.json, as far as devbox uses it.
// Field names follow the spec (runtime-spec/config.md) so that
// `devbox run --print-spec` output can be fed to runc or crun.

public struct RuntimeSpec: Codable, Equatable, Sendable {
    public var ociVersion: String
    public var process: Process
    public var root: Root
    public var hostname: String?
    public var mounts: [Mount]
    public var linux: Linux
    public var annotations: [String: String]?
    public var hooks: Hooks?

    public init(ociVersion: String = "1.2.0", process: Process, root: Root, hostname: String?,
                mounts: [Mount], linux: Linux, annotations: [String: String]? = nil) {
        self.ociVersion = ociVersion
        self.process = process
        self.root = root
        self.hostname = hostname
        self.mounts = mounts
        self.linux = linux
        self.annotations = annotations
    }

    public struct Process: Codable, Equatable, Sendable {
        public var terminal: Bool
        public var user: User
        public var args: [String]
        public var env: [String]
        public var cwd: String
        public var capabilities: Capabilities?
        public var rlimits: [Rlimit]?
        public var noNewPrivileges: Bool
        public var oomScoreAdj: Int?

        public init(terminal: Bool, user: User, args: [String], env: [String], cwd: String,
                    capabilities: Capabilities?, rlimits: [Rlimit]? = nil, noNewPrivileges: Bool) {
            self.terminal = terminal
            self.user = user
            self.args = args
            self.env = env
            self.cwd = cwd
            self.capabilities = capabilities
            self.rlimits = rlimits
            self.noNewPrivileges = noNewPrivileges
        }
    }

    public struct User: Codable, Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public var additionalGids: [UInt32]?
        public var umask: UInt32?

        public init(uid: UInt32, gid: UInt32, additionalGids: [UInt32]? = nil, umask: UInt32? = nil) {
            self.uid = uid
            self.gid = gid
            self.additionalGids = additionalGids
            self.umask = umask
        }
    }

    public struct Capabilities: Codable, Equatable, Sendable {
        public var bounding: [String]
        public var effective: [String]
        public var permitted: [String]
        public var inheritable: [String]
        public var ambient: [String]

        /// The same set everywhere but ambient, as Docker sets it for root.
        public init(uniform names: [String]) {
            bounding = names
            effective = names
            permitted = names
            inheritable = names
            ambient = []
        }

        public init(bounding: [String], effective: [String], permitted: [String], inheritable: [String], ambient: [String]) {
            self.bounding = bounding
            self.effective = effective
            self.permitted = permitted
            self.inheritable = inheritable
            self.ambient = ambient
        }
    }

    public struct Rlimit: Codable, Equatable, Sendable {
        public var type: String
        public var hard: UInt64
        public var soft: UInt64

        public init(type: String, hard: UInt64, soft: UInt64) {
            self.type = type
            self.hard = hard
            self.soft = soft
        }
    }

    public struct Root: Codable, Equatable, Sendable {
        public var path: String
        public var readonly: Bool

        public init(path: String, readonly: Bool) {
            self.path = path
            self.readonly = readonly
        }
    }

    public struct Mount: Codable, Equatable, Sendable {
        public var destination: String
        public var type: String?
        public var source: String?
        public var options: [String]?

        public init(destination: String, type: String?, source: String?, options: [String]? = nil) {
            self.destination = destination
            self.type = type
            self.source = source
            self.options = options
        }
    }

    public struct Linux: Codable, Equatable, Sendable {
        public var namespaces: [Namespace]
        public var uidMappings: [IDMapping]
        public var gidMappings: [IDMapping]
        public var maskedPaths: [String]?
        public var readonlyPaths: [String]?
        public var seccomp: LinuxSeccomp?
        public var sysctl: [String: String]?

        public init(namespaces: [Namespace], uidMappings: [IDMapping], gidMappings: [IDMapping],
                    maskedPaths: [String]? = nil, readonlyPaths: [String]? = nil) {
            self.namespaces = namespaces
            self.uidMappings = uidMappings
            self.gidMappings = gidMappings
            self.maskedPaths = maskedPaths
            self.readonlyPaths = readonlyPaths
        }
    }

    public struct Namespace: Codable, Equatable, Sendable {
        public var type: NamespaceKind
        /// An existing namespace to join (a /proc/PID/ns/* file or a bind of one).
        public var path: String?
        public init(_ type: NamespaceKind, path: String? = nil) {
            self.type = type
            self.path = path
        }
    }

    public enum NamespaceKind: String, Codable, Equatable, Sendable, CaseIterable {
        case user, mount, pid, uts, ipc, network, cgroup
    }

    public struct IDMapping: Codable, Equatable, Sendable {
        public var containerID: UInt32
        public var hostID: UInt32
        public var size: UInt32

        public init(containerID: UInt32, hostID: UInt32, size: UInt32) {
            self.containerID = containerID
            self.hostID = hostID
            self.size = size
        }
    }
}

extension RuntimeSpec.Mount {
    public func hasOption(_ name: String) -> Bool { options?.contains(name) ?? false }

    /// The value of a `key=value` option, such as an overlay's `lowerdir`.
    public func option(_ key: String) -> String? {
        let prefix = key + "="
        return options?.first { $0.hasPrefix(prefix) }.map { String(Substring($0.utf8.dropFirst(prefix.utf8.count))) }
    }
}

// Decoding config.json as other tools write it: runtime-spec makes many
// fields optional (`runc spec` leaves out inheritable capabilities, umoci
// leaves out id maps for a root bundle), so absent fields take the spec's
// defaults here. Encoding stays the synthesized one.

extension RuntimeSpec {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ociVersion = try c.decodeIfPresent(String.self, forKey: .ociVersion) ?? "1.2.0"
        process = try c.decode(Process.self, forKey: .process)
        root = try c.decodeIfPresent(Root.self, forKey: .root) ?? Root(path: "rootfs", readonly: false)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        mounts = try c.decodeIfPresent([Mount].self, forKey: .mounts) ?? []
        linux = try c.decodeIfPresent(Linux.self, forKey: .linux) ?? Linux(namespaces: [], uidMappings: [], gidMappings: [])
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        hooks = try c.decodeIfPresent(Hooks.self, forKey: .hooks)
    }
}

extension RuntimeSpec.Process {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        terminal = try c.decodeIfPresent(Bool.self, forKey: .terminal) ?? false
        user = try c.decodeIfPresent(RuntimeSpec.User.self, forKey: .user) ?? RuntimeSpec.User(uid: 0, gid: 0)
        args = try c.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
        cwd = try c.decodeIfPresent(String.self, forKey: .cwd) ?? "/"
        capabilities = try c.decodeIfPresent(RuntimeSpec.Capabilities.self, forKey: .capabilities)
        rlimits = try c.decodeIfPresent([RuntimeSpec.Rlimit].self, forKey: .rlimits)
        noNewPrivileges = try c.decodeIfPresent(Bool.self, forKey: .noNewPrivileges) ?? false
        oomScoreAdj = try c.decodeIfPresent(Int.self, forKey: .oomScoreAdj)
    }
}

extension RuntimeSpec.Capabilities {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bounding = try c.decodeIfPresent([String].self, forKey: .bounding) ?? []
        effective = try c.decodeIfPresent([String].self, forKey: .effective) ?? []
        permitted = try c.decodeIfPresent([String].self, forKey: .permitted) ?? []
        inheritable = try c.decodeIfPresent([String].self, forKey: .inheritable) ?? []
        ambient = try c.decodeIfPresent([String].self, forKey: .ambient) ?? []
    }
}

extension RuntimeSpec.Root {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        readonly = try c.decodeIfPresent(Bool.self, forKey: .readonly) ?? false
    }
}

extension RuntimeSpec.Linux {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        namespaces = try c.decodeIfPresent([RuntimeSpec.Namespace].self, forKey: .namespaces) ?? []
        uidMappings = try c.decodeIfPresent([RuntimeSpec.IDMapping].self, forKey: .uidMappings) ?? []
        gidMappings = try c.decodeIfPresent([RuntimeSpec.IDMapping].self, forKey: .gidMappings) ?? []
        maskedPaths = try c.decodeIfPresent([String].self, forKey: .maskedPaths)
        readonlyPaths = try c.decodeIfPresent([String].self, forKey: .readonlyPaths)
        seccomp = try c.decodeIfPresent(LinuxSeccomp.self, forKey: .seccomp)
        sysctl = try c.decodeIfPresent([String: String].self, forKey: .sysctl)
    }
}
