// devbox's extensions to the runtime spec travel as annotations, as the spec
// intends for runtime-specific data.
public enum DevboxAnnotation {
    /// Where overlay upper layers live: a host directory, or `tmpfs` for a
    /// throwaway container (`--rm`) whose changes vanish with it.
    public static let upperDir = "org.devbox.upperdir"
    /// Directory for this run's overlay work dirs (same filesystem as upperdir).
    public static let workDir = "org.devbox.workdir"
    /// `host` (the host's own filesystem) or `image` (layers in lowerdirs).
    public static let rootKind = "org.devbox.root"
    /// The image's reference, for `devbox run IMAGE`.
    public static let image = "org.devbox.image"
    /// The image's unpacked layer directories, top-most first, `:`-separated.
    public static let lowerDirs = "org.devbox.lowerdirs"
    /// `none` or `host`.
    public static let network = "org.devbox.network"
}
