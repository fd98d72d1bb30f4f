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

        public init(uid: UInt32, gid: UInt32, additionalGids: [UInt32]? = nil) {
            self.uid = uid
            self.gid = gid
            self.additionalGids = additionalGids
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
        public init(_ type: NamespaceKind) { self.type = type }
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
