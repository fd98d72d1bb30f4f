// devbox's extensions to the runtime spec travel as annotations, as the spec
// intends for runtime-specific data.
public enum DevboxAnnotation {
    /// Where overlay upper layers live: a host directory, or `tmpfs` for a
    /// throwaway container (`--rm`) whose changes vanish with it.
    public static let upperDir = "org.devbox.upperdir"
    /// Directory for this run's overlay work dirs (same filesystem as upperdir).
    public static let workDir = "org.devbox.workdir"
    /// Legacy (containers created before the root became a mount): `host`
    /// or `image` (layers in lowerdirs). New specs describe the root as
    /// their first mount, at `/` (see docs/OCI.md); `copy` is the copy
    /// storage driver's directory root.
    public static let rootKind = "org.devbox.root"
    /// rootKind of the copy storage driver: the root is `root.path`, a
    /// directory the image's layers (lowerdirs) were copied into.
    public static let copiedRoot = "copy"
    /// `fuse`: the overlay mounts (type `overlay`) are served by devbox's
    /// FUSE overlay instead of the kernel's, with the same on-disk layers.
    public static let storageDriver = "org.devbox.storage-driver"
    /// `true` (with the FUSE driver): owners the user namespace cannot map
    /// (the host's root, for the host image rootless) show as the
    /// container's root, so package managers can change system files.
    public static let squashToRoot = "org.devbox.squash-to-root"
    /// The image's reference, for `devbox run IMAGE`.
    public static let image = "org.devbox.image"
    /// The image's unpacked layer directories, top-most first, `:`-separated.
    public static let lowerDirs = "org.devbox.lowerdirs"
    /// The security profile's name.
    public static let profile = "org.devbox.profile"
    /// `true`: everything but the project, rw volumes, /tmp, /dev and /proc is read-only.
    public static let readOnlyRoot = "org.devbox.readonly-root"
    /// `false`: no user namespaces may be created inside.
    public static let nestedUserNamespaces = "org.devbox.nested-userns"
    /// `none` or `host`.
    public static let network = "org.devbox.network"
    /// `--dns`: the contents of the generated /etc/resolv.conf (replacing the host's).
    public static let resolvConf = "org.devbox.resolv-conf"
    /// `--add-host`: lines added to the generated /etc/hosts.
    public static let extraHosts = "org.devbox.extra-hosts"
    /// `--label KEY=VAL`, as `org.devbox.label.KEY`.
    public static let labelPrefix = "org.devbox.label."

    /// A spec devbox planned (`devbox run --print-spec`), as opposed to a
    /// user's bundle: the executor takes it as it is, adding nothing.
    public static func isPlanned(_ annotations: [String: String]?) -> Bool {
        annotations?[network] != nil || annotations?[rootKind] != nil
    }
}
