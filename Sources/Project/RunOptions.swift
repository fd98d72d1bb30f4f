import OCI
import Profiles

/// What the user asked for on the command line, before any planning.
public struct RunOptions: Equatable, Sendable {
    public enum Network: String, Equatable, Sendable, CaseIterable {
        case host, none
    }

    public enum UserNamespaceMode: Equatable, Sendable {
        /// The calling user is root inside (the default).
        case root
        /// The calling user keeps its uid/gid inside (podman's keep-id), or
        /// takes the ones given (`keep-id:uid=U,gid=G`).
        case keepID(uid: UInt32? = nil, gid: UInt32? = nil)

        public static let keepID = UserNamespaceMode.keepID(uid: nil, gid: nil)

        public var keepsID: Bool {
            if case .keepID = self { return true }
            return false
        }
    }

    /// How the container's root is layered (docs/STORAGE.md): kernel
    /// overlayfs; devbox's FUSE overlay (same layers, where the kernel's is
    /// refused, and for ownership views); or the image's layers copied once
    /// into a root of the container's own (where neither works).
    public enum StorageDriver: String, Equatable, Sendable, CaseIterable {
        case overlay, fuse, copy
    }

    /// podman's `--pull`: when a run fetches its image.
    public enum PullPolicy: String, Equatable, Sendable, CaseIterable {
        case always, missing, never, newer
    }

    /// `--tmpfs PATH[:OPTS]` and `--mount type=tmpfs`.
    public struct Tmpfs: Equatable, Sendable {
        public var destination: String
        /// Mount options as the spec carries them (`size=64m`, `noexec`, `ro`).
        public var options: [String]

        public init(destination: String, options: [String]) {
            self.destination = destination
            self.options = options
        }
    }

    /// `--device HOST[:CONTAINER][:rwm]`.
    public struct Device: Equatable, Sendable {
        public var source: String
        public var destination: String
        public var readOnly: Bool

        public init(source: String, destination: String, readOnly: Bool) {
            self.source = source
            self.destination = destination
            self.readOnly = readOnly
        }
    }

    public enum HomeMode: String, Equatable, Sendable, CaseIterable {
        /// A home directory of the container's own, persisted per project.
        case container
        /// The user's real home directory, bound read-write.
        case host
    }

    public struct Volume: Equatable, Sendable {
        public var source: String
        public var destination: String
        public var readOnly: Bool

        public init(source: String, destination: String, readOnly: Bool) {
            self.source = source
            self.destination = destination
            self.readOnly = readOnly
        }
    }

    public var command: [String] = []
    /// The image to run; nil runs the built-in host image.
    public var image: ImageRoot?
    public var tty = false
    public var interactive = false
    public var remove = false
    public var network: Network = .host
    public var userns: UserNamespaceMode = .root
    public var home: HomeMode = .container
    public var volumes: [Volume] = []
    /// `KEY=VAL` (or `KEY`, taken from the host) in the order given; later wins.
    public var environment: [String] = []
    public var workdir: String?
    public var hostname: String?
    /// The security policy (resolved `--profile`, default "default").
    public var profile: Profile?
    /// `--network` given explicitly; otherwise the profile's network applies.
    public var networkGiven = false
    public var capAdd: [String] = []
    public var capDrop: [String] = []
    public var readOnly = false
    /// `--security-opt no-new-privileges`: on whatever the profile says.
    public var forceNoNewPrivileges = false
    /// `--security-opt seccomp=...`: nil keeps the profile's filter.
    public var seccompOverride: SeccompOverride?
    /// A named container's own directory for its layer and home (see
    /// ContainerLayout); nil: the project's environment.
    public var containerDirectory: String?

    /// `-u USER[:GROUP]`, resolved by the planner against the image's
    /// account files (or, for the host image, `hostPasswd`/`hostGroup`).
    public var user: String?
    public var groupAdd: [String] = []
    /// The host's /etc/passwd and /etc/group, read only when a name needs them.
    public var hostPasswd: String?
    public var hostGroup: String?
    /// `--entrypoint`: nil keeps the image's, [] clears it.
    public var entrypoint: [String]?
    public var pull: PullPolicy = .missing
    /// `--add-host HOST:IP` as /etc/hosts lines (`IP\tHOST`), in order.
    public var extraHosts: [String] = []
    /// `--dns`: name servers for a generated resolv.conf; empty binds the host's.
    public var dnsServers: [String] = []
    public var devices: [Device] = []
    public var tmpfs: [Tmpfs] = []
    /// `--ulimit`, over the profile's limits.
    public var ulimits: [RuntimeSpec.Rlimit] = []
    /// `--shm-size` in bytes; nil keeps the default 64 MiB.
    public var shmSize: UInt64?
    /// `--env-host`: the host's whole environment under the run's own variables.
    public var envHost = false
    /// Named volumes this run uses (created on first use; `volume rm` asks).
    public var volumeNames: [String] = []
    /// Those of volumeNames this run made (`-v /dst`): `--rm` removes them.
    public var anonymousVolumes: [String] = []
    public var labels: [String: String] = [:]
    public var name: String?
    public var detach = false
    public var stopSignal: String?
    public var stopTimeout: Int?
    public var storageDriver: StorageDriver = .overlay

    public enum SeccompOverride: Equatable, Sendable {
        case unconfined
        case profile(LinuxSeccomp)
    }

    public init() {}
}
