import OCI
import Profiles

/// What the user asked for on the command line, before any planning.
public struct RunOptions: Equatable, Sendable {
    public enum Network: String, Equatable, Sendable, CaseIterable {
        case host, none
    }

    public enum UserNamespaceMode: String, Equatable, Sendable, CaseIterable {
        /// The calling user is root inside (the default).
        case root = ""
        /// The calling user keeps its uid/gid inside (podman's keep-id).
        case keepID = "keep-id"
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

    public enum SeccompOverride: Equatable, Sendable {
        case unconfined
        case profile(LinuxSeccomp)
    }

    public init() {}
}
